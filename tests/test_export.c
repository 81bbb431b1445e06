/* tests/test_export.c - incremental walks (wf_pager_desc.since) against the
   test server: equal timestamps across many small pages, an object changed
   during the walk, the watermark after it, and what the pager refuses.
   The test server stamps writes with a frozen clock (config frozen_now) so
   many objects share one lastUpdateDate.

     ./build/test_export [NAME-FILTER] */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"

#define D1 "2030-01-01T10:00:00:000-0600"
#define D2 "2030-01-01T10:00:01:000-0600"
#define NSET 30

typedef struct seen {
    char ids[12000][33];
    int n;
    int dups;
    wf_client *editor;      /* edits an object once the walk is under way */
    const char *edit_id;
    int edit_after;         /* after this many objects (0: never) */
} seen;

static seen S;

static bool on_obj(void *user, wf_json o) {
    seen *s = (seen *)user;
    char id[64] = "";
    int i;
    wf_json_str(wf_json_get(o, "ID"), id, sizeof id, NULL);
    for (i = 0; i < s->n; i++)
        if (strcmp(s->ids[i], id) == 0) s->dups++;
    if (s->n < (int)(sizeof s->ids / sizeof s->ids[0])) snprintf(s->ids[s->n++], 33, "%.32s", id);
    if (s->edit_after && s->n == s->edit_after) {
        wf_updates *u = updates();
        config("frozen_now=%s", D2);
        OK(wf_updates_set_str(u, "description", "changed during the walk"), NULL);
        OK(wf_edit(s->editor, "task", s->edit_id, NULL, u, NULL), s->editor);
    }
    return true;
}

static wf_client *admin(void) {
    wf_client_desc d;
    wfh_desc(&g_srv, WFH_HTTP, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = 60000;
    return client_desc(&d);
}

static long long walk(wf_client *c, wf_watermark *w, int page, const wf_query *q) {
    wf_pager_desc pd;
    long long total = -1;
    memset(&pd, 0, sizeof pd);
    pd.obj = "task";
    pd.query = q;
    pd.page_size = page;
    pd.on_object = on_obj;
    pd.user = &S;
    pd.since = w;
    OK(wf_pager_run(c, &pd, &total), c);
    return total;
}

static int cmp_id(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

/* NSET task IDs from the middle of the ID order, sorted; each edited at D1 */
static void edit_set(wf_client *c, char ids[NSET][33]) {
    wf_query *q = query();
    wf_json data, o;
    int n = 0;
    OK(wf_query_limit(q, 500, NSET), NULL);
    OK(wf_query_sort(q, "ID", WF_SORT_ASC), NULL);
    OK(wf_search(c, "task", q, &data), c);
    for (o = wf_json_first(data); wf_json_ok(o) && n < NSET; o = wf_json_next(o))
        wf_json_str(wf_json_get(o, "ID"), ids[n++], 33, NULL);
    assert_int_equal(n, NSET);
    config("frozen_now=%s", D1);
    for (n = 0; n < NSET; n++) {
        wf_updates u;
        memset(&u, 0, sizeof u);
        OK(wf_updates_set_str(&u, "description", "same timestamp"), NULL);
        OK(wf_edit(c, "task", ids[n], NULL, &u, NULL), c);
        wf_updates_free(&u);
    }
    config("frozen_now=");
    qsort(ids, NSET, 33, cmp_id);
}

/* the newest watermark of the untouched data: one walk over every task */
static void watermark_now(wf_client *c, wf_watermark *w) {
    memset(w, 0, sizeof *w);
    memset(&S, 0, sizeof S);
    assert_int_equal(walk(c, w, 2000, NULL), 10000);
    assert_int_equal(S.dups, 0);
    assert_true(w->date[0] && w->id[0]);
}

static void test_equal_timestamps_over_small_pages(void **state) {
    wf_client *c = admin();
    wf_watermark w;
    char ids[NSET][33];
    int i;
    (void)state;
    watermark_now(c, &w);
    edit_set(c, ids);
    memset(&S, 0, sizeof S);
    /* 30 objects of one date in pages of 7: four "same date" pages cross it */
    assert_int_equal(walk(c, &w, 7, NULL), NSET);
    assert_int_equal(S.n, NSET);
    assert_int_equal(S.dups, 0);
    for (i = 0; i < NSET; i++) assert_string_equal(S.ids[i], ids[i]);
    assert_string_equal(w.date, D1);
    assert_string_equal(w.id, ids[NSET - 1]);
    memset(&S, 0, sizeof S);
    assert_int_equal(walk(c, &w, 7, NULL), 0);
}

static void test_object_changed_during_the_walk(void **state) {
    wf_client *c = admin();
    wf_watermark w;
    char ids[NSET][33];
    int i, k = 0;
    (void)state;
    watermark_now(c, &w);
    edit_set(c, ids);
    memset(&S, 0, sizeof S);
    S.editor = admin();
    S.edit_id = ids[20];     /* not handed over yet when the edit happens */
    S.edit_after = 3;
    assert_int_equal(walk(c, &w, 4, NULL), NSET);
    config("frozen_now=");
    /* every object once: ids[20] at its new place, after the others */
    assert_int_equal(S.dups, 0);
    for (i = 0; i < NSET; i++)
        if (i != 20) assert_string_equal(S.ids[k++], ids[i]);
    assert_string_equal(S.ids[NSET - 1], ids[20]);
    assert_string_equal(w.date, D2);
}

static void test_filters_and_fields_are_kept(void **state) {
    wf_client *c = admin();
    wf_watermark w;
    wf_query *q = query();
    char ids[NSET][33];
    wf_updates *u = updates();
    (void)state;
    watermark_now(c, &w);
    edit_set(c, ids);
    /* a filter that keeps one object of the set */
    config("frozen_now=%s", D1);
    OK(wf_updates_set_str(u, "description", "the one"), NULL);
    OK(wf_edit(c, "task", ids[7], NULL, u, NULL), c);
    config("frozen_now=");
    OK(wf_query_filter(q, "description", WF_MOD_EQ, "the one"), NULL);
    OK(wf_query_fields(q, "name,lastUpdateDate"), NULL);
    memset(&S, 0, sizeof S);
    assert_int_equal(walk(c, &w, 5, q), 1);
    assert_string_equal(S.ids[0], ids[7]);
}

static bool on_page(void *user, wf_json page, long long first) {
    (void)user; (void)page; (void)first;
    return true;
}

static void test_refusals(void **state) {
    wf_client *c = admin();
    wf_watermark w;
    wf_pager_desc pd;
    wf_query *sorted = query(), *nofield = query(), *byid = query();
    (void)state;
    memset(&w, 0, sizeof w);
    memset(&pd, 0, sizeof pd);
    pd.obj = "task";
    pd.since = &w;
    pd.on_page = on_page;
    CHECK(WF_ERR_INVALID, wf_pager_run(c, &pd, NULL), c);
    pd.on_page = NULL;
    pd.on_object = on_obj;
    pd.user = &S;
    OK(wf_query_sort(sorted, "name", WF_SORT_ASC), NULL);
    pd.query = sorted;
    CHECK(WF_ERR_INVALID, wf_pager_run(c, &pd, NULL), c);
    OK(wf_query_fields(nofield, "name,status"), NULL);
    pd.query = nofield;
    CHECK(WF_ERR_INVALID, wf_pager_run(c, &pd, NULL), c);
    /* the walk filters on ID and the watermark field itself */
    OK(wf_query_filter(byid, "ID", WF_MOD_EQ, "4c78821c0000d6fa8d5e52f07a1d54d1"), NULL);
    pd.query = byid;
    CHECK(WF_ERR_INVALID, wf_pager_run(c, &pd, NULL), c);
    pd.query = NULL;
    pd.since_field = "last;Update";
    CHECK(WF_ERR_INVALID, wf_pager_run(c, &pd, NULL), c);
}

static int group_setup(void **state) {
    (void)state;
    return wfh_group_start(NULL);
}

static int group_teardown(void **state) {
    (void)state;
    wfh_group_stop();
    return 0;
}

#define T(name) { #name, test_##name, wfh_fixture_setup_reset, wfh_fixture_teardown, NULL }

int main(int argc, char **argv) {
    static const struct CMUnitTest all[] = {
        T(equal_timestamps_over_small_pages),
        T(object_changed_during_the_walk),
        T(filters_and_fields_are_kept),
        T(refusals),
    };
    return WFH_RUN("export", all, group_setup, group_teardown, argc, argv);
}
