/* tests/firmware/scenario.h - the calls the firmware test makes, shared by
 * the recorder (host, real sockets to tests/server/wfserver.py) and the
 * firmware image (Cortex-M4, replaying what the recorder saved).  Both run
 * exactly this code, so the firmware sends byte for byte the requests the
 * server answered, and every check below runs twice: once against the live
 * server, once on the target.
 *
 * Include after workfront.h.  The includer defines
 *   static void fw_note(const char *fmt, ...)     one line of output
 *   static size_t fw_heap_peak(void)              the most bytes the client's
 *                                                 allocator held at once, from
 *                                                 before wf_client_create on
 * fw_scenario() returns the number of failed checks (0: all passed).
 */
#ifndef FW_SCENARIO_H
#define FW_SCENARIO_H

#include <string.h>

/* tests/server/wfconst.py: the admin's API key and the first project */
#define FW_API_KEY      "adminapikey0123456789abcdef0000"
#define FW_PROJECT_ID   "4c78821c0000d6fa8d5e52f07a1d54d0"
#define FW_TASK_NAME    "firmware task \xc3\xa4\xe2\x82\xac"   /* UTF-8: a-umlaut, euro sign */
#define FW_TASK_RENAMED "firmware task, renamed"
#define FW_PAGE_SIZE    4
#define FW_BIG_SEARCH   100   /* the search whose peak heap is the budget */

static int fw_failed;

#define FW_CHECK(cond, what)                                                   \
    do {                                                                       \
        if (cond) fw_note("ok   %s", what);                                    \
        else { fw_failed++; fw_note("FAIL %s (line %d)", what, __LINE__); }   \
    } while (0)

/* a wf_result check that prints the client's error text on failure */
#define FW_OK(c, call, what)                                                   \
    do {                                                                       \
        wf_result fw_r_ = (call);                                              \
        if (fw_r_ == WF_OK) fw_note("ok   %s", what);                          \
        else { fw_failed++; fw_note("FAIL %s: %s (line %d)", what,             \
                                    wf_client_error(c)->text, __LINE__); }     \
    } while (0)

typedef struct fw_pages {
    int pages, objects, oversized, dup, saw_created;
    long long last_first;
    char ids[64][33];
    const char *created_id;
} fw_pages;

static bool fw_on_page(void *user, wf_json page, long long first) {
    fw_pages *p = (fw_pages *)user;
    wf_json t;
    if ((int)wf_json_len(page) > FW_PAGE_SIZE) p->oversized++;
    if (p->pages > 0 && first != p->last_first + FW_PAGE_SIZE) p->oversized++;
    p->last_first = first;
    p->pages++;
    for (t = wf_json_first(page); wf_json_ok(t); t = wf_json_next(t)) {
        char id[33];
        int i;
        if (wf_json_str(wf_json_get(t, "ID"), id, sizeof id, NULL) != WF_OK) { p->dup++; continue; }
        for (i = 0; i < p->objects && i < 64; i++)
            if (strcmp(p->ids[i], id) == 0) p->dup++;
        if (p->objects < 64) memcpy(p->ids[p->objects], id, sizeof id);
        if (p->created_id && strcmp(id, p->created_id) == 0) p->saw_created++;
        p->objects++;
    }
    return true;
}

typedef struct fw_big { int tasks, bad; char first_id[33]; } fw_big;

static bool fw_on_task(void *user, wf_json t) {
    fw_big *b = (fw_big *)user;
    char id[33];
    if (wf_json_str(wf_json_get(t, "ID"), id, sizeof id, NULL) != WF_OK || strlen(id) != 32 ||
        !wf_json_eq(wf_json_get(t, "objCode"), "TASK") || wf_json_type_of(wf_json_get(t, "name")) != WF_JSON_STRING)
        b->bad++;
    else if (b->tasks == 0)
        memcpy(b->first_id, id, sizeof id);
    b->tasks++;
    return true;
}

/* The client's peak heap (fw_heap_peak() counts from before
   wf_client_create) after the streamed and after the one-page search. */
static size_t fw_heap_stream, fw_heap_page;

/* c: a client created just before, with the counting allocator. */
static int fw_scenario(wf_client *c) {
    wf_json data, v;
    char id[33] = "", name[96];
    wf_updates u;
    char ubuf[160];
    wf_query q;
    char qbuf[200];
    long long count = -1, total = -1, n = 0;
    fw_pages pages;
    fw_big big;
    wf_pager_desc pd;
    wf_result r;
    fw_failed = 0;

    /* First, on the fresh client: one search of 100 tasks, streamed
       (wf_search_each, memory at one object), whose peak heap is the
       budget; then the same 100 tasks as one page in memory (wf_search). */
    wf_query_init_buf(&q, qbuf, sizeof qbuf);
    wf_query_limit(&q, 0, FW_BIG_SEARCH);
    memset(&big, 0, sizeof big);
    FW_OK(c, wf_search_each(c, "task", &q, fw_on_task, &big, &n), "a streamed search of 100 tasks");
    FW_CHECK(n == FW_BIG_SEARCH && big.tasks == FW_BIG_SEARCH && big.bad == 0,
             "100 tasks streamed, each with an ID, a name and objCode TASK");
    fw_heap_stream = fw_heap_peak();
    wf_query_reset(&q);
    wf_query_fields(&q, "name");
    wf_query_limit(&q, 0, FW_BIG_SEARCH);
    FW_OK(c, wf_search(c, "task", &q, &data), "a search of 100 tasks in one page");
    v = wf_json_at(data, FW_BIG_SEARCH - 1);
    FW_CHECK(wf_json_len(data) == FW_BIG_SEARCH && wf_json_eq(wf_json_get(v, "objCode"), "TASK") &&
             wf_json_ok(wf_json_get(v, "name")), "100 tasks in the page, the last one with a name");
    FW_CHECK(wf_json_eq(wf_json_get(wf_json_at(data, 0), "ID"), big.first_id), "both searches start with the same task");
    fw_heap_page = fw_heap_peak();
    fw_note("heap: peak %lu bytes for the streamed search, %lu for the one-page search",
            (unsigned long)fw_heap_stream, (unsigned long)fw_heap_page);

    /* create */
    wf_updates_init_buf(&u, ubuf, sizeof ubuf);
    wf_updates_set_str(&u, "name", FW_TASK_NAME);
    wf_updates_set_str(&u, "projectID", FW_PROJECT_ID);
    wf_updates_set_int(&u, "priority", 3);
    FW_OK(c, wf_create(c, "task", NULL, &u, &data), "create task");
    FW_CHECK(wf_json_str(wf_json_get(data, "ID"), id, sizeof id, NULL) == WF_OK && strlen(id) == 32,
             "create returns a 32-character ID");
    FW_CHECK(wf_json_eq(wf_json_get(data, "name"), FW_TASK_NAME), "create returns the UTF-8 name");
    FW_CHECK(wf_json_eq(wf_json_get(data, "objCode"), "TASK"), "create returns objCode TASK");

    /* get */
    FW_OK(c, wf_get(c, "task", id, "name,priority,projectID", &data), "get the new task");
    FW_CHECK(wf_json_eq(wf_json_get(data, "ID"), id), "get returns the same ID");
    FW_CHECK(wf_json_eq(wf_json_get(data, "name"), FW_TASK_NAME), "get returns the name");
    FW_CHECK(wf_json_int(wf_json_get(data, "priority"), &n) == WF_OK && n == 3, "get returns priority 3");
    FW_CHECK(wf_json_eq(wf_json_get(data, "projectID"), FW_PROJECT_ID), "get returns the project");

    /* edit */
    wf_updates_reset(&u);
    wf_updates_set_str(&u, "name", FW_TASK_RENAMED);
    wf_updates_set_int(&u, "priority", 1);
    FW_OK(c, wf_edit(c, "task", id, NULL, &u, &data), "edit the task");
    FW_CHECK(wf_json_eq(wf_json_get(data, "name"), FW_TASK_RENAMED), "edit returns the new name");
    FW_OK(c, wf_get(c, "task", id, "name,priority", &data), "get after edit");
    FW_CHECK(wf_json_str(wf_json_get(data, "name"), name, sizeof name, NULL) == WF_OK &&
             strcmp(name, FW_TASK_RENAMED) == 0, "the edit is stored");
    FW_CHECK(wf_json_int(wf_json_get(data, "priority"), &n) == WF_OK && n == 1, "priority 1 is stored");

    /* search: filter, count, and the task found by its new name */
    wf_query_reset(&q);
    wf_query_filter(&q, "name", WF_MOD_CICONTAINS, "FIRMWARE TASK, REN");
    wf_query_fields(&q, "name");
    FW_OK(c, wf_search(c, "task", &q, &data), "search by name (cicontains)");
    FW_CHECK(wf_json_len(data) == 1 && wf_json_eq(wf_json_get(wf_json_at(data, 0), "ID"), id),
             "the search finds exactly the new task");

    /* a paged search of the project: every object once, pages of 4 */
    wf_query_reset(&q);
    wf_query_add(&q, "projectID", FW_PROJECT_ID);
    FW_OK(c, wf_count(c, "task", &q, &count), "count the project's tasks");
    FW_CHECK(count > 2 * FW_PAGE_SIZE && count <= 64, "the project has a few pages of tasks");
    wf_query_fields(&q, "name");
    memset(&pages, 0, sizeof pages);
    pages.created_id = id;
    memset(&pd, 0, sizeof pd);
    pd.obj = "task";
    pd.query = &q;
    pd.page_size = FW_PAGE_SIZE;
    pd.on_page = fw_on_page;
    pd.user = &pages;
    FW_OK(c, wf_pager_run(c, &pd, &total), "paged search of the project");
    FW_CHECK(total == count && pages.objects == count, "the pages hold as many tasks as the count");
    FW_CHECK(pages.pages == (int)((count + FW_PAGE_SIZE - 1) / FW_PAGE_SIZE), "one page per 4 tasks");
    FW_CHECK(pages.oversized == 0, "pages no larger than 4, $$FIRST advancing by 4");
    FW_CHECK(pages.dup == 0, "no task twice");
    FW_CHECK(pages.saw_created == 1, "the new task is on one page");

    /* delete, then the task is gone */
    FW_OK(c, wf_delete(c, "task", id, false), "delete the task");
    r = wf_get(c, "task", id, "name", &data);
    FW_CHECK(r == WF_ERR_API && wf_client_error(c)->http_status == 404, "get after delete: 404 from the API");
    FW_CHECK(strstr(wf_client_error(c)->wf_class, "NotFound") != NULL, "the error class names NotFound");
    return fw_failed;
}

#endif
