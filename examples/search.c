/* examples/search.c - filters, fields and the pager.
 *
 *   WF_URL=https://acme.my.workfront.com WF_API_KEY=... ./search [TEXT]
 *
 * 1. One search: the ten tasks (by name) whose name contains TEXT in any
 *    case and whose status is NEW or INP, with their project's name.
 * 2. The same filters over every matching task, page by page with
 *    wf_pager_run (memory stays at one page), counted per status.
 *
 * Environment (the same as the wf CLI): WF_URL or WF_DOMAIN; WF_API_KEY, or
 * WF_USERNAME and WF_PASSWORD; WF_CACERT (extra CA bundle, optional).
 * Build: cc -std=c99 search.c $(pkg-config --cflags --libs workfront)
 */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* The filters shared by both parts: name cicontains TEXT, status in (NEW, INP). */
static void add_filters(wf_query *q, const char *text) {
    static const char *const statuses[] = { "NEW", "INP" };
    wf_query_filter(q, "name", WF_MOD_CICONTAINS, text);
    wf_query_in(q, "status", WF_MOD_IN, statuses, 2);
}

/* Pager callback: one call per task; returning false would stop the walk. */
struct tally { long long by_status[2], other; };
static bool count_task(void *user, wf_json task) {
    struct tally *t = (struct tally *)user;
    wf_json status = wf_json_get(task, "status");
    if (wf_json_eq(status, "NEW")) t->by_status[0]++;
    else if (wf_json_eq(status, "INP")) t->by_status[1]++;
    else t->other++;
    return true;
}

int main(int argc, char **argv) {
    const char *text = argc > 1 ? argv[1] : "the";
    wf_client_desc desc = {0};
    wf_client *c = NULL;
    wf_error err;
    wf_query q = {0};
    wf_json tasks, t;
    struct tally tally = {{0, 0}, 0};
    wf_pager_desc pd = {0};
    long long total = 0;
    int rc = 1;

    desc.url = env("WF_URL");
    desc.domain = env("WF_DOMAIN");
    desc.api_key = env("WF_API_KEY");
    desc.ca_file = env("WF_CACERT");
    if (wf_client_create(&desc, &c, &err) != WF_OK) {
        fprintf(stderr, "search: %s\n", err.text);
        return 1;
    }
    if (env("WF_USERNAME") && wf_login(c, env("WF_USERNAME"), env("WF_PASSWORD") ? env("WF_PASSWORD") : "") != WF_OK)
        goto fail;

    /* Part 1: one page.  Queries are built in place; the first mistake
       sticks in q.result and the request then fails without sending. */
    add_filters(&q, text);
    wf_query_fields(&q, "name,status,project:name");  /* project:name = one reference hop */
    wf_query_sort(&q, "name", WF_SORT_CIASC);
    wf_query_limit(&q, 0, 10);                          /* $$FIRST=0, $$LIMIT=10 */
    if (wf_search(c, "task", &q, &tasks) != WF_OK) goto fail;
    printf("first %zu tasks matching \"%s\" (status NEW or INP):\n", wf_json_len(tasks), text);
    for (t = wf_json_first(tasks); wf_json_ok(t); t = wf_json_next(t)) {
        char name[200], status[16], project[120];
        /* too-long values are cut at the buffer size; missing ones give "" */
        wf_json_str(wf_json_get(t, "name"), name, sizeof name, NULL);
        wf_json_str(wf_json_get(t, "status"), status, sizeof status, NULL);
        wf_json_str(wf_json_path(t, "project:name"), project, sizeof project, NULL);
        printf("  %-4s %-48s  (%s)\n", status, name, project);
    }

    /* Part 2: all of them.  The pager adds $$FIRST/$$LIMIT (and ID order)
       itself, so the query must not carry them. */
    wf_query_reset(&q);
    add_filters(&q, text);
    wf_query_fields(&q, "status");
    pd.obj = "task";
    pd.query = &q;
    pd.page_size = 500;
    pd.on_object = count_task;
    pd.user = &tally;
    if (wf_pager_run(c, &pd, &total) != WF_OK) goto fail;
    printf("all pages: %lld tasks, %lld NEW, %lld INP\n", total, tally.by_status[0], tally.by_status[1]);
    rc = tally.other == 0 ? 0 : 1;  /* the server must have honoured the filter */
    if (rc) fprintf(stderr, "search: %lld tasks with another status\n", tally.other);
    goto done;

fail:
    /* Every failure leaves a readable line (and the details) in the client. */
    fprintf(stderr, "search: %s\n", wf_client_error(c)->text);
done:
    if (env("WF_USERNAME")) wf_logout(c);
    wf_query_free(&q);
    wf_client_destroy(c);
    return rc;
}
