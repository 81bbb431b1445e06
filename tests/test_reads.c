/* tests/test_reads.c - reads against the Workfront test server.

   Typed query builders, search/get/count/report/metadata/named queries,
   map=true, the $$LIMIT cap, the streaming pager over 10,000 tasks (with
   its peak heap measured by a counting allocator), paging at exact
   multiples, the long-URI POST fallback and percent-encoding round trips.

   Expectations are computed from data fetched with a second, plain query
   (the 216 tasks of "First Project") or from the server's documented
   constants, never copied from the answer under test.

   One server (default data: 10,000 tasks) serves the whole file; the tests
   only read, so the data is never reset.  Build and run from the root:
     make itests        (or: make build/test_reads && ./build/test_reads)
   Optional arguments run only the tests whose names contain one of them. */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"

/* ------------------------------------------------- server constants (wfconst.py) */
#define FIRST_PROJECT_ID   "4c78821c0000d6fa8d5e52f07a1d54d0"
#define SECOND_PROJECT_ID  "4c78821c0000d6fa8d5e52f07a1d54d9"
#define AWKWARD_TASK_ID    "4c78821c0000d6fa8d5e52f07a1d54d1"
#define CJK_TASK_ID        "4c78821c0000d6fa8d5e52f07a1d54d3"
#define EMOJI_TASK_ID      "4c78821c0000d6fa8d5e52f07a1d54d4"
#define JANE_USER_ID       "5a1b2c3d00000a11b0b0c0c0d0d0e0e1"
#define JANE_USERNAME      "jane.doe@test.example"
#define DEPTH_CHAIN_6_ID   "4c78821c0000d6fa8d5e52f07a1d5105"
#define AWKWARD_TASK_NAME  "Quote \" Backslash \\ Slash / Tab \t Emoji \xF0\x9F\x9A\x80 CJK \xE6\x97\xA5\xE6\x9C\xAC"
#define CJK_TASK_NAME      "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x82\xBF\xE3\x82\xB9\xE3\x82\xAF"
#define EMOJI_TASK_NAME    "Launch \xF0\x9F\x9A\x80 and astronaut \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x9A\x80"
#define ADMIN_NAME         "Admin User"
#define TOTAL_TASKS        10000
#define DE_TEXT            "DE:Custom Text"

/* ------------------------------------------------------------------ fixture */

/* g_srv, g_ctl, client_desc(), query(), stats_doc(), jint(): tests/harness.h */

static wf_client *client_on(int which) {
    wf_client_desc d;
    wfh_desc(&g_srv, which, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = 30000;
    return client_desc(&d);
}
static wf_client *client(void) { return client_on(WFH_HTTP); }

/* ---------------------------------------------------------- server stats */

static long long stat_ll(const char *path) {
    long long n = 0;
    if (wf_json_int(wf_json_path(stats_doc(), path), &n) != WF_OK) n = 0;
    return n;
}

/* ----------------------------------------------------------- the reference
   The tasks of First Project, fetched once with a plain search: every
   modifier, OR group, filters= and sort expectation is computed from it. */

typedef struct ref_row {
    char id[33];
    char name[256];
    char status[16];
    int prio;
    double pct;
    char *de;     /* DE:Custom Text, NULL when null */
    char *desc;   /* description, NULL when null */
} ref_row;

static ref_row *g_ref;
static size_t g_nref;

static char *dup_json_str(wf_json v) {
    size_t n = 0;
    char *s;
    if (wf_json_type_of(v) != WF_JSON_STRING) return NULL;
    wf_json_str(v, NULL, 0, &n);
    s = (char *)malloc(n + 1);
    if (s) wf_json_str(v, s, n + 1, NULL);
    return s;
}

static void free_ref(void) {
    size_t i;
    for (i = 0; i < g_nref; i++) { free(g_ref[i].de); free(g_ref[i].desc); }
    free(g_ref);
    g_ref = NULL;
    g_nref = 0;
}

static int load_ref(void) {
    wf_client *c = NULL;
    wf_query q;
    wf_json data, t;
    size_t i = 0;
    int rc = -1;
    memset(&q, 0, sizeof q);
    if (wfh_client(&g_srv, WFH_HTTP, WFH_ADMIN_API_KEY, &c) != WF_OK) return -1;
    wf_query_add(&q, "projectID", FIRST_PROJECT_ID);
    wf_query_fields(&q, "name,priority,percentComplete,status,description," DE_TEXT);
    wf_query_limit(&q, 0, 2000);
    if (wf_search(c, "task", &q, &data) != WF_OK || wf_json_type_of(data) != WF_JSON_ARRAY) {
        wfh_log("reference search failed: %s", wf_client_error(c)->text);
        goto out;
    }
    g_nref = wf_json_len(data);
    g_ref = (ref_row *)calloc(g_nref ? g_nref : 1, sizeof *g_ref);
    if (!g_ref) goto out;
    for (t = wf_json_first(data); wf_json_ok(t); t = wf_json_next(t), i++) {
        ref_row *r = &g_ref[i];
        long long p = 0;
        js(wf_json_get(t, "ID"), r->id, sizeof r->id);
        js(wf_json_get(t, "name"), r->name, sizeof r->name);
        js(wf_json_get(t, "status"), r->status, sizeof r->status);
        wf_json_int(wf_json_get(t, "priority"), &p);
        r->prio = (int)p;
        wf_json_num(wf_json_get(t, "percentComplete"), &r->pct);
        r->de = dup_json_str(wf_json_get(t, DE_TEXT));
        r->desc = dup_json_str(wf_json_get(t, "description"));
    }
    rc = g_nref > 100 && g_nref < 2000 ? 0 : -1;
    if (rc) wfh_log("unexpected reference size %zu", g_nref);
out:
    wf_query_free(&q);
    wf_client_destroy(c);
    return rc;
}

/* ----------------------------------------------------------- setup/teardown */

static int group_setup(void **state) {
    (void)state;
    if (wfh_group_start(NULL) != 0) return -1;     /* default data: 10,000 tasks */
    if (wfh_ctl(g_ctl, "reset", NULL) != WF_OK || load_ref() != 0) {
        free_ref();
        wfh_group_stop();
        return -1;
    }
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    free_ref();
    wfh_group_stop();
    return 0;
}

/* per test: wfh_fixture_setup, wfh_fixture_teardown (the tests only read:
   the server is never reset) */

/* ------------------------------------------------------------- ID lists */

typedef struct idlist { char (*id)[33]; size_t n, cap; } idlist;

static void ids_add(idlist *l, const char *id) {
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 256;
        char (*nid)[33] = (char (*)[33])realloc(l->id, nc * sizeof *nid);
        assert_non_null(nid);
        l->id = nid;
        l->cap = nc;
    }
    snprintf(l->id[l->n++], 33, "%s", id);
}

static void ids_free(idlist *l) { free(l->id); memset(l, 0, sizeof *l); }

/* The "ID" of every element of an array answer, in order. */
static void ids_of(wf_json arr, idlist *l) {
    wf_json t;
    char id[64];
    for (t = wf_json_first(arr); wf_json_ok(t); t = wf_json_next(t)) ids_add(l, js(wf_json_get(t, "ID"), id, sizeof id));
}

static int cmp_id(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }
static void ids_sort(idlist *l) { if (l->n) qsort(l->id, l->n, sizeof *l->id, cmp_id); }

/* Exact equality of two ID sequences, with a readable difference. */
static bool ids_equal(const idlist *got, const idlist *want, const char *what) {
    size_t i;
    if (got->n == want->n) {
        for (i = 0; i < got->n; i++)
            if (strcmp(got->id[i], want->id[i]) != 0) break;
        if (i == got->n) return true;
        print_error("%s: %zu rows as expected, but row %zu is %s instead of %s\n", what, got->n, i, got->id[i], want->id[i]);
        return false;
    }
    print_error("%s: %zu rows, expected %zu\n", what, got->n, want->n);
    for (i = 0; i < want->n && i < 5; i++) print_error("    expected[%zu] %s\n", i, want->id[i]);
    for (i = 0; i < got->n && i < 5; i++) print_error("    got[%zu]      %s\n", i, got->id[i]);
    return false;
}

/* ------------------------------------------- modifier semantics, in C
   What the Workfront basics page describes (and the server implements):
   nulls match only isnull/isblank; "ci" modifiers compare lower-cased
   text; like uses % as the wildcard; the contains-all/any family tests
   each value as a substring. */

static void lower_ascii(const char *s, char *out, size_t cap) {
    size_t i;
    for (i = 0; s[i] && i + 1 < cap; i++) out[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
    out[i] = 0;
}

static bool like_match(const char *s, const char *p) {
    if (!*p) return !*s;
    if (*p == '%') {
        for (;; s++) {
            if (like_match(s, p + 1)) return true;
            if (!*s) return false;
        }
    }
    return *s && *s == *p && like_match(s + 1, p + 1);
}

enum { FLD_DE, FLD_DESC, FLD_PRIO };
static const char *const fld_name[] = { DE_TEXT, "description", "priority" };

typedef struct mcase {
    wf_mod mod;
    int field;
    const char *v[3];
    size_t nv;
    const char *hi;  /* _Range for the between family */
} mcase;

static bool mod_is(wf_mod m, const char *base) {
    const char *n = wf_mod_name(m);
    if (strncmp(n, "ci", 2) == 0 && strncmp(base, "ci", 2) != 0) n += 2;
    return strcmp(n, base) == 0;
}

static bool eval_num(const mcase *k, double p) {
    size_t i;
    double v = atof(k->v[0]);
    long long a = (long long)p, b = (long long)v;
    switch (k->mod) {
    case WF_MOD_EQ: return p == v;
    case WF_MOD_NE: return p != v;
    case WF_MOD_GT: return p > v;
    case WF_MOD_GTE: return p >= v;
    case WF_MOD_LT: return p < v;
    case WF_MOD_LTE: return p <= v;
    case WF_MOD_BETWEEN: return v <= p && p <= atof(k->hi);
    case WF_MOD_NOTBETWEEN: return !(v <= p && p <= atof(k->hi));
    case WF_MOD_IN: case WF_MOD_NOTIN: {
        bool hit = false;
        for (i = 0; i < k->nv; i++) hit = hit || p == atof(k->v[i]);
        return k->mod == WF_MOD_IN ? hit : !hit;
    }
    case WF_MOD_BITWISEAND: return (a & b) == b;
    case WF_MOD_BITWISEOR: return (a & b) != 0;
    case WF_MOD_BITWISENAND: return (a & b) != b;
    case WF_MOD_BITWISENOR: return (a & b) == 0;
    default: fail_msg("no numeric semantics for %s", wf_mod_name(k->mod));
    }
    return false;
}

static bool eval_str(const mcase *k, const char *s) {
    char text[512], vals[3][128];
    bool ci = strncmp(wf_mod_name(k->mod), "ci", 2) == 0;
    size_t i;
    switch (k->mod) {
    case WF_MOD_ISNULL: return s == NULL;
    case WF_MOD_NOTNULL: return s != NULL;
    case WF_MOD_ISBLANK: return s == NULL || *s == 0;
    case WF_MOD_NOTBLANK: return s != NULL && *s != 0;
    default: break;
    }
    if (!s) return false; /* SQL: a null is neither equal nor unequal */
    if (ci) lower_ascii(s, text, sizeof text); else snprintf(text, sizeof text, "%s", s);
    for (i = 0; i < k->nv; i++) {
        if (ci) lower_ascii(k->v[i], vals[i], sizeof vals[i]); else snprintf(vals[i], sizeof vals[i], "%s", k->v[i]);
    }
    if (mod_is(k->mod, "containsall") || mod_is(k->mod, "containsany") || mod_is(k->mod, "notcontainsall") ||
        mod_is(k->mod, "notcontainsany")) {
        bool all = true, any = false;
        for (i = 0; i < k->nv; i++) {
            bool hit = strstr(text, vals[i]) != NULL;
            all = all && hit;
            any = any || hit;
        }
        if (mod_is(k->mod, "containsall")) return all;
        if (mod_is(k->mod, "containsany")) return any;
        if (mod_is(k->mod, "notcontainsall")) return !all;
        return !any;
    }
    if (mod_is(k->mod, "eq")) return strcmp(text, vals[0]) == 0;
    if (mod_is(k->mod, "ne")) return strcmp(text, vals[0]) != 0;
    if (mod_is(k->mod, "contains")) return strstr(text, vals[0]) != NULL;
    if (mod_is(k->mod, "notcontains")) return strstr(text, vals[0]) == NULL;
    if (mod_is(k->mod, "like")) return like_match(text, vals[0]);
    if (mod_is(k->mod, "notlike")) return !like_match(text, vals[0]);
    if (mod_is(k->mod, "in") || mod_is(k->mod, "notin")) {
        bool hit = false;
        for (i = 0; i < k->nv; i++) hit = hit || strcmp(text, vals[i]) == 0;
        return mod_is(k->mod, "in") ? hit : !hit;
    }
    if (mod_is(k->mod, "between") || mod_is(k->mod, "notbetween")) {
        char hi[128];
        bool in;
        if (ci) lower_ascii(k->hi, hi, sizeof hi); else snprintf(hi, sizeof hi, "%s", k->hi);
        in = strcmp(vals[0], text) <= 0 && strcmp(text, hi) <= 0;
        return mod_is(k->mod, "between") ? in : !in;
    }
    fail_msg("no text semantics for %s", wf_mod_name(k->mod));
    return false;
}

static bool eval_row(const mcase *k, const ref_row *r) {
    if (k->field == FLD_PRIO) return eval_num(k, (double)r->prio);
    return eval_str(k, k->field == FLD_DE ? r->de : r->desc);
}

/* Adds the case's filter with the typed builder. */
static wf_result add_case(wf_query *q, const mcase *k) {
    const char *f = fld_name[k->field];
    if (k->hi) return wf_query_range(q, f, k->mod, k->v[0], k->hi);
    if (k->mod == WF_MOD_IN || k->mod == WF_MOD_NOTIN || k->mod == WF_MOD_CIIN || k->mod == WF_MOD_CINOTIN)
        return wf_query_in(q, f, k->mod, k->v, k->nv);
    return wf_query_filter(q, f, k->mod, k->nv ? k->v[0] : NULL);
}

/* Runs First Project + the case's filter and compares with the reference. */
static void run_case(wf_client *c, wf_query *q, const mcase *k, bool need_both) {
    idlist got = { 0 }, want = { 0 };
    wf_json data;
    size_t i;
    char what[160], needle[64];
    wf_query_reset(q);
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(add_case(q, k), NULL);
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    /* the modifier travels as field_Mod=name */
    snprintf(needle, sizeof needle, "_Mod=%s", wf_mod_name(k->mod));
    CONTAINS(wf_query_str(q), needle);
    OK(wf_search(c, "task", q, &data), c);
    ids_of(data, &got);
    for (i = 0; i < g_nref; i++)
        if (eval_row(k, &g_ref[i])) ids_add(&want, g_ref[i].id);
    snprintf(what, sizeof what, "%s %s \"%s\"%s%s", fld_name[k->field], wf_mod_name(k->mod), k->nv ? k->v[0] : "",
             k->hi ? ".." : "", k->hi ? k->hi : "");
    if (need_both && (want.n == 0 || want.n == g_nref)) {
        print_error("%s: the reference has %zu of %zu rows matching: no positive and negative row\n", what, want.n, g_nref);
        fail();
    }
    if (!ids_equal(&got, &want, what)) { ids_free(&got); ids_free(&want); fail(); }
    ids_free(&got);
    ids_free(&want);
}

/* ===================================================================== tests */

/* Every modifier of WF_MOD_LIST that the server supports (per its metadata)
   selects exactly the rows the documented semantics select: at least one
   row in and one row out each time. */
static void test_modifiers(void **state) {
    static const mcase cases[] = {
        { WF_MOD_EQ, FLD_DE, { "alpha" }, 1, NULL },
        { WF_MOD_NE, FLD_DE, { "alpha" }, 1, NULL },
        { WF_MOD_GTE, FLD_PRIO, { "3" }, 1, NULL },
        { WF_MOD_GT, FLD_PRIO, { "3" }, 1, NULL },
        { WF_MOD_LTE, FLD_PRIO, { "1" }, 1, NULL },
        { WF_MOD_LT, FLD_PRIO, { "1" }, 1, NULL },
        { WF_MOD_CONTAINS, FLD_DE, { "lph" }, 1, NULL },
        { WF_MOD_NOTCONTAINS, FLD_DE, { "lph" }, 1, NULL },
        { WF_MOD_CICONTAINS, FLD_DE, { "LPH" }, 1, NULL },
        { WF_MOD_CINOTCONTAINS, FLD_DE, { "LPH" }, 1, NULL },
        { WF_MOD_LIKE, FLD_DE, { "g%a" }, 1, NULL },
        { WF_MOD_NOTLIKE, FLD_DE, { "g%a" }, 1, NULL },
        { WF_MOD_CILIKE, FLD_DE, { "A%" }, 1, NULL },
        { WF_MOD_CINOTLIKE, FLD_DE, { "A%" }, 1, NULL },
        { WF_MOD_CIEQ, FLD_DE, { "ALPHA" }, 1, NULL },
        { WF_MOD_CINE, FLD_DE, { "ALPHA" }, 1, NULL },
        { WF_MOD_BETWEEN, FLD_PRIO, { "1" }, 1, "3" },
        { WF_MOD_NOTBETWEEN, FLD_PRIO, { "1" }, 1, "3" },
        { WF_MOD_CIBETWEEN, FLD_DE, { "A" }, 1, "B" },
        { WF_MOD_CINOTBETWEEN, FLD_DE, { "A" }, 1, "B" },
        { WF_MOD_IN, FLD_PRIO, { "0", "4" }, 2, NULL },
        { WF_MOD_NOTIN, FLD_PRIO, { "0", "4" }, 2, NULL },
        { WF_MOD_CIIN, FLD_DE, { "ALPHA", "beta" }, 2, NULL },
        { WF_MOD_CINOTIN, FLD_DE, { "ALPHA", "beta" }, 2, NULL },
        { WF_MOD_ISNULL, FLD_DESC, { NULL }, 0, NULL },
        { WF_MOD_NOTNULL, FLD_DESC, { NULL }, 0, NULL },
        { WF_MOD_ISBLANK, FLD_DESC, { NULL }, 0, NULL },
        { WF_MOD_NOTBLANK, FLD_DESC, { NULL }, 0, NULL },
        { WF_MOD_CICONTAINSALL, FLD_DE, { "GAMMA" }, 1, NULL },
        { WF_MOD_CICONTAINSANY, FLD_DE, { "LPH" }, 1, NULL },
        { WF_MOD_CINOTCONTAINSALL, FLD_DE, { "GAMMA" }, 1, NULL },
        { WF_MOD_CINOTCONTAINSANY, FLD_DE, { "LPH" }, 1, NULL },
        { WF_MOD_BITWISEAND, FLD_PRIO, { "1" }, 1, NULL },
        { WF_MOD_BITWISEOR, FLD_PRIO, { "6" }, 1, NULL },
        { WF_MOD_BITWISENAND, FLD_PRIO, { "3" }, 1, NULL },
        { WF_MOD_BITWISENOR, FLD_PRIO, { "2" }, 1, NULL },
    };
    bool covered[WF_MOD_COUNT] = { false };
    wf_client *c = client();
    wf_query *q = query();
    wf_json meta, s;
    char supported[WF_MOD_COUNT];
    size_t i;
    int m;
    (void)state;
    /* what the server says it supports */
    OK(wf_metadata(c, "task", &meta), c);
    assert_int_equal(wf_json_type_of(wf_json_get(meta, "search")), WF_JSON_ARRAY);
    for (m = 0; m < WF_MOD_COUNT; m++) {
        supported[m] = 0;
        for (s = wf_json_first(wf_json_get(meta, "search")); wf_json_ok(s); s = wf_json_next(s))
            if (wf_json_eq(s, wf_mod_name((wf_mod)m))) supported[m] = 1;
    }
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (!supported[cases[i].mod]) {
            print_message("note: the server does not list %s; skipped\n", wf_mod_name(cases[i].mod));
            covered[cases[i].mod] = true;
            continue;
        }
        run_case(c, q, &cases[i], true);
        covered[cases[i].mod] = true;
    }
    for (m = 0; m < WF_MOD_COUNT; m++) {
        if (!covered[m]) print_error("modifier %s has no test case\n", wf_mod_name((wf_mod)m));
        assert_true(covered[m]);
    }
}

/* The contains-all/any family takes several values (repeated parameters,
   like in/notin); the typed builder must be able to send them. */
static void test_multivalue_contains(void **state) {
    static const mcase cases[] = {
        { WF_MOD_CICONTAINSALL, FLD_DE, { "GAMMA", "delta" }, 2, NULL },    /* "gamma delta" only */
        { WF_MOD_CICONTAINSANY, FLD_DE, { "alp", "BET" }, 2, NULL },        /* alpha, ALPHA-2, Beta */
        { WF_MOD_CINOTCONTAINSALL, FLD_DE, { "GAMMA", "delta" }, 2, NULL },
        { WF_MOD_CINOTCONTAINSANY, FLD_DE, { "alp", "BET" }, 2, NULL },
    };
    wf_client *c = client();
    wf_query *q = query();
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        idlist got = { 0 }, want = { 0 };
        wf_json data;
        size_t j;
        wf_result r;
        wf_query_reset(q);
        OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
        r = wf_query_in(q, DE_TEXT, cases[i].mod, cases[i].v, cases[i].nv);
        if (r != WF_OK) {
            print_error("wf_query_in(%s, 2 values) refused: %s -- the typed builders cannot send a "
                        "multi-value %s filter\n", wf_mod_name(cases[i].mod), q->error, wf_mod_name(cases[i].mod));
            fail();
        }
        OK(wf_query_fields(q, "ID"), NULL);
        OK(wf_query_limit(q, 0, 2000), NULL);
        OK(wf_search(c, "task", q, &data), c);
        ids_of(data, &got);
        for (j = 0; j < g_nref; j++)
            if (eval_row(&cases[i], &g_ref[j])) ids_add(&want, g_ref[j].id);
        assert_true(want.n > 0 && want.n < g_nref);
        if (!ids_equal(&got, &want, wf_mod_name(cases[i].mod))) { ids_free(&got); ids_free(&want); fail(); }
        ids_free(&got);
        ids_free(&want);
    }
}

/* OR groups: the plain filters are one group, each OR:n: another; a row
   matches when any group holds entirely. */
static void test_or_groups(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    idlist got = { 0 }, want = { 0 };
    wf_json data;
    size_t i;
    bool cjk = false, emoji = false;
    (void)state;
    OK(wf_query_or_group(q, 1), NULL);
    OK(wf_query_filter(q, "name", WF_MOD_EQ, EMOJI_TASK_NAME), NULL);
    OK(wf_query_or_group(q, 2), NULL);
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(wf_query_filter(q, "priority", WF_MOD_EQ, "4"), NULL);
    OK(wf_query_filter(q, DE_TEXT, WF_MOD_EQ, "alpha"), NULL);
    OK(wf_query_or_group(q, 0), NULL); /* back to the plain group */
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(wf_query_filter(q, "name", WF_MOD_EQ, CJK_TASK_NAME), NULL);
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    CONTAINS(wf_query_str(q), "OR:1:name=");
    CONTAINS(wf_query_str(q), "OR:2:priority_Mod=eq");
    CONTAINS(wf_query_str(q), "&name_Mod=eq");
    OK(wf_search(c, "task", q, &data), c);
    ids_of(data, &got);
    for (i = 0; i < g_nref; i++) {
        const ref_row *r = &g_ref[i];
        bool g0 = strcmp(r->name, CJK_TASK_NAME) == 0;
        bool g1 = strcmp(r->name, EMOJI_TASK_NAME) == 0;
        bool g2 = r->prio == 4 && r->de && strcmp(r->de, "alpha") == 0;
        if (g0 || g1 || g2) ids_add(&want, r->id);
        cjk = cjk || g0;
        emoji = emoji || g1;
    }
    assert_true(cjk && emoji);
    assert_true(want.n > 2 && want.n < 40); /* the third group adds some, not all */
    if (!ids_equal(&got, &want, "OR groups")) { ids_free(&got); ids_free(&want); fail(); }
    ids_free(&got);
    ids_free(&want);

    /* a group is a conjunction: OR:1 with an impossible second filter adds nothing */
    wf_query_reset(q);
    OK(wf_query_filter(q, "ID", WF_MOD_EQ, CJK_TASK_ID), NULL);
    OK(wf_query_or_group(q, 1), NULL);
    OK(wf_query_filter(q, "ID", WF_MOD_EQ, EMOJI_TASK_ID), NULL);
    OK(wf_query_filter(q, "priority", WF_MOD_GT, "99"), NULL);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 1);
    JSTR(wf_json_get(wf_json_at(data, 0), "ID"), CJK_TASK_ID);
}

/* filters=<JSON>: a user filter on username (which as a plain parameter
   is eaten by authentication), repeated values as a JSON array, and
   invalid JSON refused before anything is sent. */
static void test_filters_json(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    idlist got = { 0 }, want = { 0 };
    wf_json data;
    long long before;
    size_t i;
    char json[512];
    (void)state;
    /* username= as a parameter is not a filter ... */
    OK(wf_query_add(q, "username", JANE_USERNAME), NULL);
    OK(wf_search(c, "user", q, &data), c);
    assert_true(wf_json_len(data) > 1);
    /* ... inside filters= it is */
    wf_query_reset(q);
    OK(wf_query_filters_json(q, "{\"username\":\"" JANE_USERNAME "\"}"), NULL);
    OK(wf_search(c, "user", q, &data), c);
    assert_int_equal(wf_json_len(data), 1);
    JSTR(wf_json_get(wf_json_at(data, 0), "ID"), JANE_USER_ID);

    /* several filters, an "in" list as a JSON array */
    wf_query_reset(q);
    snprintf(json, sizeof json,
             "{\"projectID\":\"%s\",\"priority\":[1,3],\"priority_Mod\":\"in\","
             "\"" DE_TEXT "\":\"LPH\",\"" DE_TEXT "_Mod\":\"cicontains\"}", FIRST_PROJECT_ID);
    OK(wf_query_filters_json(q, json), NULL);
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    OK(wf_search(c, "task", q, &data), c);
    ids_of(data, &got);
    for (i = 0; i < g_nref; i++) {
        const ref_row *r = &g_ref[i];
        char low[256];
        if (!r->de || (r->prio != 1 && r->prio != 3)) continue;
        lower_ascii(r->de, low, sizeof low);
        if (strstr(low, "lph")) ids_add(&want, r->id);
    }
    assert_true(want.n > 0);
    if (!ids_equal(&got, &want, "filters= JSON")) { ids_free(&got); ids_free(&want); fail(); }
    ids_free(&got);
    ids_free(&want);

    /* invalid JSON, or JSON that is not an object: refused, nothing sent */
    before = stat_ll("requests");
    wf_query_reset(q);
    CHECK(WF_ERR_INVALID, wf_query_filters_json(q, "{\"name\":"), NULL);
    assert_true(strlen(q->error) > 0);
    CHECK(WF_ERR_INVALID, wf_search(c, "task", q, &data), c);
    CONTAINS(wf_client_error(c)->text, "nothing sent");
    wf_query_reset(q);
    CHECK(WF_ERR_INVALID, wf_query_filters_json(q, "[1,2]"), NULL);
    CHECK(WF_ERR_INVALID, wf_search(c, "task", q, &data), c);
    assert_int_equal(stat_ll("requests"), before);
}

/* Nested fields, collections, DE: fields and parameterValues, read with
   wf_json_path in one call each. */
static void test_nested_fields(void **state) {
    wf_client *c = client();
    wf_json data, a;
    char owner[256];
    long long big = 0;
    bool admin_assigned = false;
    (void)state;
    /* the expectation for project:owner:name from a second query */
    OK(wf_get(c, "project", FIRST_PROJECT_ID, "owner:name", &data), c);
    js(wf_json_path(data, "owner:name"), owner, sizeof owner);
    assert_true(strlen(owner) > 0);

    OK(wf_get(c, "task", AWKWARD_TASK_ID,
              "assignedTo:name,project:name,project:owner:name,assignments:assignedToID," DE_TEXT ",parameterValues", &data), c);
    JSTR(wf_json_path(data, "assignedTo:name"), ADMIN_NAME);
    JSTR(wf_json_path(data, "project:name"), "First Project");
    JSTR(wf_json_path(data, "project:owner:name"), owner);
    JSTR(wf_json_path(data, DE_TEXT), AWKWARD_TASK_NAME);
    JSTR(wf_json_path(data, "parameterValues:" DE_TEXT), AWKWARD_TASK_NAME);
    /* a 2^53+1 integer survives exactly */
    OK(wf_json_int(wf_json_path(data, "parameterValues:DE:Big Number"), &big), NULL);
    assert_true(big == 9007199254740993LL);
    assert_int_equal(wf_json_type_of(wf_json_path(data, "assignments")), WF_JSON_ARRAY);
    for (a = wf_json_first(wf_json_path(data, "assignments")); wf_json_ok(a); a = wf_json_next(a))
        if (wf_json_eq(wf_json_get(a, "assignedToID"), WFH_ADMIN_USER_ID)) admin_assigned = true;
    assert_true(admin_assigned);
    JSTR(wf_json_path(data, "assignments:0:objCode"), "ASSGN");
    assert_false(wf_json_ok(wf_json_path(data, "assignments:99:objCode")));
    assert_false(wf_json_ok(wf_json_path(data, "project:nope:name")));

    /* four reference hops are allowed, five are an error envelope */
    OK(wf_get(c, "task", DEPTH_CHAIN_6_ID, "parent:parent:parent:parent:name", &data), c);
    JSTR(wf_json_path(data, "parent:parent:parent:parent:name"), "Depth chain 2");
    JSTR(wf_json_path(data, "parent:parent:name"), "Depth chain 4");
    CHECK(WF_ERR_API, wf_get(c, "task", DEPTH_CHAIN_6_ID, "parent:parent:parent:parent:parent:name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 200);

    /* paths index arrays too: a search answer */
    {
        wf_query *q = query();
        OK(wf_query_filter(q, "ID", WF_MOD_EQ, AWKWARD_TASK_ID), NULL);
        OK(wf_query_fields(q, "assignedTo:name"), NULL);
        OK(wf_search(c, "task", q, &data), c);
        JSTR(wf_json_path(data, "0:assignedTo:name"), ADMIN_NAME);
    }
}

/* Three sort keys: priority desc, status asc, name cidesc; ties by ID. */
static int cmp_sorted(const void *pa, const void *pb) {
    const ref_row *a = *(const ref_row *const *)pa, *b = *(const ref_row *const *)pb;
    char la[512], lb[512];
    int r;
    if (a->prio != b->prio) return a->prio > b->prio ? -1 : 1;
    if ((r = strcmp(a->status, b->status)) != 0) return r;
    lower_ascii(a->name, la, sizeof la);
    lower_ascii(b->name, lb, sizeof lb);
    if ((r = strcmp(la, lb)) != 0) return -r;
    return strcmp(a->id, b->id);
}

static void test_multi_sort(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    idlist got = { 0 }, want = { 0 };
    const ref_row **order;
    wf_json data;
    size_t i;
    (void)state;
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(wf_query_sort(q, "priority", WF_SORT_DESC), NULL);
    OK(wf_query_sort(q, "status", WF_SORT_ASC), NULL);
    OK(wf_query_sort(q, "name", WF_SORT_CIDESC), NULL);
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    CONTAINS(wf_query_str(q), "priority_Sort=desc");
    CONTAINS(wf_query_str(q), "status_2_Sort=asc");
    CONTAINS(wf_query_str(q), "name_3_Sort=cidesc");
    OK(wf_search(c, "task", q, &data), c);
    ids_of(data, &got);
    order = (const ref_row **)malloc(g_nref * sizeof *order);
    assert_non_null(order);
    for (i = 0; i < g_nref; i++) order[i] = &g_ref[i];
    qsort(order, g_nref, sizeof *order, cmp_sorted);
    for (i = 0; i < g_nref; i++) ids_add(&want, order[i]->id);
    free(order);
    if (!ids_equal(&got, &want, "priority desc, status asc, name cidesc")) { ids_free(&got); ids_free(&want); fail(); }
    ids_free(&got);
    ids_free(&want);
}

/* wf_count equals the length of the same search unpaged, and the pager's
   total over 2000; and the whole table is the server's 10,000. */
typedef struct walk {
    wf_client *c;
    long long objects, pages, max_page_body;
    char last[33];
    bool ordered;
    /* distinct IDs: open addressing */
    char (*slot)[33];
    size_t nslots, distinct, dups, stop_after;
} walk;

static void walk_init(walk *w, wf_client *c, size_t nslots) {
    memset(w, 0, sizeof *w);
    w->c = c;
    w->nslots = nslots;
    w->slot = (char (*)[33])calloc(nslots, sizeof *w->slot);
    w->ordered = true;
    assert_non_null(w->slot);
}

static void walk_free(walk *w) { free(w->slot); w->slot = NULL; }

static uint64_t hash_id(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) { h ^= (unsigned char)*s; h *= 1099511628211ull; }
    return h;
}

static bool walk_object(void *user, wf_json o) {
    walk *w = (walk *)user;
    char id[64];
    size_t i;
    js(wf_json_get(o, "ID"), id, sizeof id);
    if (strlen(id) != 32) { w->dups++; return true; }
    if (w->last[0] && strcmp(w->last, id) >= 0) w->ordered = false;
    memcpy(w->last, id, 33);
    for (i = (size_t)(hash_id(id) % w->nslots);; i = (i + 1) % w->nslots) {
        if (!w->slot[i][0]) { memcpy(w->slot[i], id, 33); w->distinct++; break; }
        if (strcmp(w->slot[i], id) == 0) { w->dups++; break; }
    }
    w->objects++;
    return !(w->stop_after && (size_t)w->objects >= w->stop_after);
}

static bool walk_page(void *user, wf_json page, long long first) {
    walk *w = (walk *)user;
    size_t n = 0;
    (void)page;
    (void)first;
    wf_last_body(w->c, &n);
    if ((long long)n > w->max_page_body) w->max_page_body = (long long)n;
    w->pages++;
    return true;
}

static void test_count(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    wf_json data;
    long long n = -1, total = -1;
    walk w;
    wf_pager_desc pd;
    (void)state;
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(wf_count(c, "task", q, &n), c);
    OK(wf_query_limit(q, 0, 2000), NULL);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(n, (long long)wf_json_len(data));
    assert_int_equal(n, (long long)g_nref);

    OK(wf_count(c, "task", NULL, &n), c);
    assert_int_equal(n, TOTAL_TASKS);

    /* more than one page: count == pager total */
    wf_query_reset(q);
    OK(wf_query_filter(q, "priority", WF_MOD_LTE, "2"), NULL);
    OK(wf_count(c, "task", q, &n), c);
    assert_true(n > 2000);
    OK(wf_query_fields(q, "ID"), NULL);
    walk_init(&w, c, 16384);
    memset(&pd, 0, sizeof pd);
    pd.obj = "task";
    pd.query = q;
    pd.on_object = walk_object;
    pd.user = &w;
    OK(wf_pager_run(c, &pd, &total), c);
    assert_int_equal(total, n);
    assert_int_equal((long long)w.distinct, n);
    walk_free(&w);
}

/* GroupBy / AggFunc / $$ROLLUP: the basics page's example (15/30/45) and a
   two-level report checked against a plain search of the same hours. */
typedef struct cell { char proj[64], status[8]; double sum; long long count; } cell;

static void test_report(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    wf_json data, h, p, s;
    cell cells[64];
    size_t ncells = 0, i;
    double total = 0, v = -1;
    long long nhours = 0;
    (void)state;
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(wf_query_or_group(q, 1), NULL);
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, SECOND_PROJECT_ID), NULL);
    OK(wf_query_or_group(q, 0), NULL);
    OK(wf_query_group_by(q, "project:name"), NULL);
    OK(wf_query_agg(q, "hours", "sum"), NULL);
    OK(wf_query_rollup(q), NULL);
    CONTAINS(wf_query_str(q), "project:name_GroupBy=true");
    CONTAINS(wf_query_str(q), "hours_AggFunc=sum");
    CONTAINS(wf_query_str(q), "$$ROLLUP=true");
    OK(wf_report(c, "hour", q, &data), c);
    assert_int_equal(wf_json_len(data), 3);
    OK(wf_json_num(wf_json_path(data, "First Project:sum_hours"), &v), NULL);
    assert_true(v == 15.0);
    OK(wf_json_num(wf_json_path(data, "Second Project:sum_hours"), &v), NULL);
    assert_true(v == 30.0);
    OK(wf_json_num(wf_json_path(data, "$$ROLLUP:sum_hours"), &v), NULL);
    assert_true(v == 45.0);

    /* two groupings and two aggregates over six projects, against the hours themselves */
    wf_query_reset(q);
    {
        static const char *const projects[] = { FIRST_PROJECT_ID, SECOND_PROJECT_ID };
        OK(wf_query_in(q, "projectID", WF_MOD_IN, projects, 2), NULL);
    }
    OK(wf_query_fields(q, "hours,status,project:name"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    OK(wf_search(c, "hour", q, &data), c);
    for (h = wf_json_first(data); wf_json_ok(h); h = wf_json_next(h)) {
        char proj[64], st[8];
        double hv = 0;
        js(wf_json_path(h, "project:name"), proj, sizeof proj);
        js(wf_json_get(h, "status"), st, sizeof st);
        wf_json_num(wf_json_get(h, "hours"), &hv);
        for (i = 0; i < ncells; i++)
            if (strcmp(cells[i].proj, proj) == 0 && strcmp(cells[i].status, st) == 0) break;
        if (i == ncells) {
            assert_true(ncells < 64);
            memset(&cells[ncells], 0, sizeof cells[0]);
            snprintf(cells[ncells].proj, sizeof cells[0].proj, "%s", proj);
            snprintf(cells[ncells].status, sizeof cells[0].status, "%s", st);
            ncells++;
        }
        cells[i].sum += hv;
        cells[i].count++;
        total += hv;
        nhours++;
    }
    assert_int_equal(nhours, 7);
    assert_true(total == 45.0);
    wf_query_reset(q);
    {
        static const char *const projects[] = { FIRST_PROJECT_ID, SECOND_PROJECT_ID };
        OK(wf_query_in(q, "projectID", WF_MOD_IN, projects, 2), NULL);
    }
    OK(wf_query_group_by(q, "project:name"), NULL);
    OK(wf_query_group_by(q, "status"), NULL);
    OK(wf_query_agg(q, "hours", "sum"), NULL);
    OK(wf_query_agg(q, "hours", "count"), NULL);
    OK(wf_query_rollup(q), NULL);
    CONTAINS(wf_query_str(q), "status_2_GroupBy=true");
    OK(wf_report(c, "hour", q, &data), c);
    for (i = 0; i < ncells; i++) {
        wf_json cellv = wf_json_get(wf_json_get(data, cells[i].proj), cells[i].status);
        double sum = -1;
        if (!wf_json_ok(cellv)) { print_error("report lacks %s / %s\n", cells[i].proj, cells[i].status); fail(); }
        OK(wf_json_num(wf_json_get(cellv, "sum_hours"), &sum), NULL);
        assert_true(sum == cells[i].sum);
        assert_int_equal(jint(wf_json_get(cellv, "count_hours")), cells[i].count);
    }
    /* per-project and overall rollups */
    for (p = wf_json_first(data); wf_json_ok(p); p = wf_json_next(p)) {
        char proj[64];
        double want = 0, got = -1;
        js(p, proj, sizeof proj);
        if (strcmp(proj, "$$ROLLUP") == 0) continue;
        for (i = 0; i < ncells; i++)
            if (strcmp(cells[i].proj, proj) == 0) want += cells[i].sum;
        s = wf_json_get(wf_json_value(p), "$$ROLLUP");
        OK(wf_json_num(wf_json_get(s, "sum_hours"), &got), NULL);
        assert_true(got == want);
    }
    OK(wf_json_num(wf_json_path(data, "$$ROLLUP:sum_hours"), &v), NULL);
    assert_true(v == 45.0);
    assert_int_equal(jint(wf_json_path(data, "$$ROLLUP:count_hours")), 7);
}

/* Global and per-object metadata. */
static void test_metadata(void **state) {
    wf_client *c = client();
    wf_json data;
    (void)state;
    OK(wf_metadata(c, NULL, &data), c);
    assert_int_equal(wf_json_type_of(wf_json_get(data, "objects")), WF_JSON_OBJECT);
    JSTR(wf_json_path(data, "objects:TASK:label"), "Task");
    JSTR(wf_json_path(data, "objects:OPTASK:label"), "Issue");
    assert_true(wf_json_len(wf_json_get(data, "objects")) >= 9);

    OK(wf_metadata(c, "task", &data), c);
    JSTR(wf_json_get(data, "objCode"), "TASK");
    JSTR(wf_json_path(data, "fields:name:fieldType"), "string");
    JSTR(wf_json_path(data, "fields:priority:fieldType"), "int");
    JSTR(wf_json_path(data, "references:project:objCode"), "PROJ");
    assert_true(wf_json_ok(wf_json_path(data, "queries:myTasks")));
    assert_true(wf_json_ok(wf_json_path(data, "custom:" DE_TEXT)));
    assert_int_equal(jint(wf_json_path(data, "limits:maxLimit")), 2000);

    /* an alternate object name */
    OK(wf_metadata(c, "issue", &data), c);
    JSTR(wf_json_get(data, "objCode"), "OPTASK");
    /* and an unknown one is an error */
    assert_int_not_equal(wf_metadata(c, "nosuchobj", &data), WF_OK);
    CHECK(WF_ERR_INVALID, wf_metadata(c, "bad/obj", &data), c);
}

/* Named queries against the same selection made with plain filters. */
static void test_named_query(void **state) {
    static const char *const done[] = { "CPL", "CPL:A" };
    wf_client *c = client();
    wf_query *q = query();
    idlist got = { 0 }, want = { 0 };
    wf_json data;
    (void)state;
    OK(wf_query_limit(q, 0, 2000), NULL);
    OK(wf_named_query(c, "task", "myTasks", q, &data), c);
    ids_of(data, &got);
    wf_query_reset(q);
    OK(wf_query_filter(q, "assignedToID", WF_MOD_EQ, WFH_ADMIN_USER_ID), NULL);
    OK(wf_query_in(q, "status", WF_MOD_NOTIN, done, 2), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    OK(wf_search(c, "task", q, &data), c);
    ids_of(data, &want);
    ids_sort(&got);
    ids_sort(&want);
    assert_true(want.n > 10);
    if (!ids_equal(&got, &want, "task/myTasks")) { ids_free(&got); ids_free(&want); fail(); }
    ids_free(&got);
    ids_free(&want);

    /* myRequests with an extra filter: issues the caller entered */
    wf_query_reset(q);
    OK(wf_query_filter(q, "priority", WF_MOD_GTE, "2"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    OK(wf_named_query(c, "optask", "myRequests", q, &data), c);
    ids_of(data, &got);
    OK(wf_query_filter(q, "enteredByID", WF_MOD_EQ, WFH_ADMIN_USER_ID), NULL);
    OK(wf_search(c, "optask", q, &data), c);
    ids_of(data, &want);
    ids_sort(&got);
    ids_sort(&want);
    assert_true(want.n > 0);
    if (!ids_equal(&got, &want, "optask/myRequests")) { ids_free(&got); ids_free(&want); fail(); }
    ids_free(&got);
    ids_free(&want);

    CHECK(WF_ERR_INVALID, wf_named_query(c, "task", "my Tasks", NULL, &data), c);
}

/* map=true: an object keyed by ID instead of an array. */
static void test_map(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    wf_json data, k;
    size_t n = 0;
    char id[64];
    (void)state;
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(wf_query_fields(q, "name"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    OK(wf_query_map(q), NULL);
    CONTAINS(wf_query_str(q), "map=true");
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_type_of(data), WF_JSON_OBJECT);
    assert_int_equal(wf_json_len(data), g_nref);
    for (k = wf_json_first(data); wf_json_ok(k); k = wf_json_next(k), n++) {
        js(k, id, sizeof id);
        JSTR(wf_json_get(wf_json_value(k), "ID"), id);
    }
    assert_int_equal(n, g_nref);
    JSTR(wf_json_path(data, AWKWARD_TASK_ID ":name"), AWKWARD_TASK_NAME);

    /* several IDs in one GET, mapped */
    wf_query_reset(q);
    OK(wf_query_add(q, "id", AWKWARD_TASK_ID "," CJK_TASK_ID), NULL);
    OK(wf_query_fields(q, "name"), NULL);
    OK(wf_query_map(q), NULL);
    OK(wf_request(c, "GET", "task", q, NULL, &data), c);
    assert_int_equal(wf_json_type_of(data), WF_JSON_OBJECT);
    JSTR(wf_json_path(data, CJK_TASK_ID ":name"), CJK_TASK_NAME);
    JSTR(wf_json_path(data, AWKWARD_TASK_ID ":name"), AWKWARD_TASK_NAME);
}

/* $$LIMIT=2001 and other invalid builder input: refused by the builder
   with a clear error and nothing sent; the raw 2001 is the server's error
   envelope with HTTP 200. */
static void test_limit_and_invalid_input(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    wf_json data;
    long long before;
    walk w;
    wf_pager_desc pd;
    (void)state;
    before = stat_ll("requests");
    CHECK(WF_ERR_RANGE, wf_query_limit(q, 0, 2001), NULL);
    CONTAINS(q->error, "2000");
    /* the failure sticks */
    CHECK(WF_ERR_RANGE, wf_query_add(q, "name", "x"), NULL);
    CHECK(WF_ERR_INVALID, wf_search(c, "task", q, &data), c);
    CONTAINS(wf_client_error(c)->text, "nothing sent");
    CONTAINS(wf_client_error(c)->text, "2000");
    assert_false(wf_json_ok(data));

#define REFUSED(expr, code)                                         \
    do {                                                            \
        wf_query_reset(q);                                          \
        CHECK(code, expr, NULL);                                    \
        assert_true(q->error[0] != 0);                              \
        CHECK(WF_ERR_INVALID, wf_search(c, "task", q, &data), c);   \
    } while (0)
    REFUSED(wf_query_limit(q, -1, 10), WF_ERR_RANGE);
    REFUSED(wf_query_limit(q, 0, -5), WF_ERR_RANGE);
    REFUSED(wf_query_filter(q, "", WF_MOD_EQ, "x"), WF_ERR_INVALID);
    REFUSED(wf_query_filter(q, "project::name", WF_MOD_EQ, "x"), WF_ERR_INVALID);
    REFUSED(wf_query_filter(q, "name", WF_MOD_BETWEEN, "a"), WF_ERR_INVALID);
    REFUSED(wf_query_filter(q, "name", WF_MOD_ISNULL, "x"), WF_ERR_INVALID);
    REFUSED(wf_query_filter(q, "name", WF_MOD_EQ, NULL), WF_ERR_INVALID);
    REFUSED(wf_query_filter(q, "name", (wf_mod)WF_MOD_COUNT, "x"), WF_ERR_INVALID);
    REFUSED(wf_query_range(q, "priority", WF_MOD_EQ, "1", "2"), WF_ERR_INVALID);
    REFUSED(wf_query_in(q, "priority", WF_MOD_IN, NULL, 0), WF_ERR_INVALID);
    REFUSED(wf_query_fields(q, "name,,priority"), WF_ERR_INVALID);
    REFUSED(wf_query_fields(q, ""), WF_ERR_INVALID);
    REFUSED(wf_query_sort(q, "name", (wf_sort)7), WF_ERR_INVALID);
    REFUSED(wf_query_agg(q, "hours", "median"), WF_ERR_INVALID);
    REFUSED(wf_query_add(q, "", "x"), WF_ERR_INVALID);
#undef REFUSED
    /* the pager sets $$FIRST/$$LIMIT itself */
    wf_query_reset(q);
    OK(wf_query_limit(q, 0, 10), NULL);
    walk_init(&w, c, 64);
    memset(&pd, 0, sizeof pd);
    pd.obj = "task";
    pd.query = q;
    pd.on_object = walk_object;
    pd.user = &w;
    CHECK(WF_ERR_INVALID, wf_pager_run(c, &pd, NULL), c);
    pd.query = NULL;
    pd.page_size = 2001;
    CHECK(WF_ERR_RANGE, wf_pager_run(c, &pd, NULL), c);
    walk_free(&w);
    assert_int_equal(stat_ll("requests"), before); /* not one request */

    /* the raw parameter reaches the server, which refuses it */
    wf_query_reset(q);
    OK(wf_query_add(q, "$$LIMIT", "2001"), NULL);
    CHECK(WF_ERR_API, wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 200);
    CONTAINS(wf_client_error(c)->wf_class, "IllegalArgumentException");
    CONTAINS(wf_client_error(c)->message, "2000");
    assert_int_equal(stat_ll("requests"), before + 1);
    /* and 2000 is fine */
    wf_query_reset(q);
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 2000);
}

/* 10,000 tasks through wf_pager_run: exactly 10,000 distinct IDs in ID
   order, and the client's peak heap under 3x one page's body. */
static void test_pager_10000(void **state) {
    static wfh_counting k; /* static: the fixture frees the client after this frame is gone */
    wf_client_desc d;
    wf_client *c;
    walk w;
    wf_pager_desc pd;
    long long total = -1, reqs;
    (void)state;
    wfh_desc(&g_srv, WFH_HTTP, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = 30000;
    d.allocator = wfh_counting_allocator(&k);
    c = client_desc(&d);
    walk_init(&w, c, 32768);
    memset(&pd, 0, sizeof pd);
    pd.obj = "task";
    pd.query = NULL;          /* the default fields, like `wf search task --all` */
    pd.on_object = walk_object;
    pd.on_page = walk_page;
    pd.user = &w;
    reqs = stat_ll("requests");
    OK(wf_pager_run(c, &pd, &total), c);
    reqs = stat_ll("requests") - reqs;
    print_message("pager: %lld objects in %lld pages (%lld requests); peak heap %lld bytes, "
                  "largest page body %lld bytes, ratio %.2f (limit 3.00)\n",
                  w.objects, w.pages, reqs, k.peak, w.max_page_body,
                  w.max_page_body ? (double)k.peak / (double)w.max_page_body : 0.0);
    assert_int_equal(total, TOTAL_TASKS);
    assert_int_equal(w.objects, TOTAL_TASKS);
    assert_int_equal((long long)w.distinct, TOTAL_TASKS);
    assert_int_equal((long long)w.dups, 0);
    assert_true(w.ordered);              /* ID order, as documented */
    assert_int_equal(w.pages, 5);        /* 5 full pages of 2000 */
    assert_true(reqs == 5 || reqs == 6); /* maybe one empty page to find the end */
    assert_true(w.max_page_body > 100000);
    if (k.peak >= 3 * w.max_page_body) {
        print_error("peak heap %lld >= 3 x page body %lld\n", k.peak, w.max_page_body);
        walk_free(&w);
        fail();
    }
    walk_free(&w);
}

/* The same walk with on_object alone: objects are streamed as the bytes
   arrive, so the heap stays near one object, not one page. */
static void test_pager_10000_streaming(void **state) {
    static wfh_counting k; /* static: the fixture frees the client after this frame is gone */
    wf_client_desc d;
    wf_client *c;
    walk w;
    wf_pager_desc pd;
    wf_query q;
    wf_json data;
    long long total = -1, page_body;
    size_t n = 0;
    (void)state;
    wfh_desc(&g_srv, WFH_HTTP, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = 30000;
    d.allocator = wfh_counting_allocator(&k);
    c = client_desc(&d);
    /* one full page, buffered, to know what a page body weighs */
    memset(&q, 0, sizeof q);
    wf_query_limit(&q, 0, 2000);
    OK(wf_search(c, "task", &q, &data), c);
    wf_last_body(c, &n);
    page_body = (long long)n;
    wf_query_free(&q);
    /* a fresh client for the measurement (the fixture destroys both) */
    memset(&k, 0, sizeof k);
    c = client_desc(&d);
    walk_init(&w, c, 32768);
    memset(&pd, 0, sizeof pd);
    pd.obj = "task";
    pd.on_object = walk_object;
    pd.user = &w;
    OK(wf_pager_run(c, &pd, &total), c);
    print_message("pager (streamed): %lld objects; peak heap %lld bytes against a page body of %lld bytes (%.2fx)\n",
                  w.objects, k.peak, page_body, (double)k.peak / (double)page_body);
    assert_int_equal(total, TOTAL_TASKS);
    assert_int_equal((long long)w.distinct, TOTAL_TASKS);
    assert_int_equal((long long)w.dups, 0);
    assert_true(w.ordered);
    assert_true(k.peak < page_body / 2); /* far below one page: nothing page-sized is held */
    walk_free(&w);
}

/* Totals that are exact multiples of the page size: nothing skipped or
   repeated; an early stop is honoured. */
static void pager_case(wf_client *c, const wf_query *q, int page, long long expect, size_t stop_after) {
    walk w;
    wf_pager_desc pd;
    long long total = -1, reqs;
    walk_init(&w, c, 16384);
    w.stop_after = stop_after;
    memset(&pd, 0, sizeof pd);
    pd.obj = "task";
    pd.query = q;
    pd.page_size = page;
    pd.on_object = walk_object;
    pd.on_page = walk_page;
    pd.user = &w;
    reqs = stat_ll("requests");
    OK(wf_pager_run(c, &pd, &total), c);
    reqs = stat_ll("requests") - reqs;
    if (total != expect || (long long)w.distinct != expect || w.dups)
        print_error("page size %d: total %lld, distinct %zu, repeats %zu, expected %lld\n", page, total, w.distinct, w.dups, expect);
    assert_int_equal(total, expect);
    assert_int_equal((long long)w.distinct, expect);
    assert_int_equal((long long)w.dups, 0);
    assert_true(w.ordered);
    if (!stop_after) assert_true(reqs >= expect / page && reqs <= expect / page + 1);
    else assert_int_equal(reqs, (long long)((stop_after + (size_t)page - 1) / (size_t)page));
    walk_free(&w);
}

static void test_pager_exact_multiple(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    long long n = -1;
    (void)state;
    /* referenceNumber = 100000 + i: exactly 4000 tasks */
    OK(wf_query_range(q, "referenceNumber", WF_MOD_BETWEEN, "100000", "103999"), NULL);
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_count(c, "task", q, &n), c);
    assert_int_equal(n, 4000);
    pager_case(c, q, 2000, 4000, 0);
    pager_case(c, q, 1000, 4000, 0);
    pager_case(c, q, 800, 4000, 0);
    /* early stop inside the second page */
    pager_case(c, q, 1000, 1500, 1500);
    /* a small one: First Project, priority 4 */
    wf_query_reset(q);
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(wf_query_filter(q, "priority", WF_MOD_EQ, "4"), NULL);
    OK(wf_count(c, "task", q, &n), c);
    assert_true(n > 4 && n % 4 == 0);
    pager_case(c, q, (int)(n / 4), n, 0);
    pager_case(c, q, (int)n, n, 0);
}

/* A server that ignores $$FIRST (the first page every time) or $$LIMIT as
   well (every match on every page) must not make the pager walk forever:
   the walk stops with WF_ERR_RESPONSE after at most two requests, and no
   object is handed over twice.  wfserver's paging= switch plays the server. */
static void pager_no_paging_case(const char *mode, bool streamed, bool sorted, long long want_objects, int want_requests) {
    wf_client *c = client();
    wf_query *q = query();
    walk w;
    wf_pager_desc pd;
    long long total = -1, reqs, n = -1;
    wf_result r;
    /* the 216 tasks of First Project: more than one page of 50 */
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(wf_query_fields(q, "ID,name"), NULL);
    if (sorted) OK(wf_query_sort(q, "name", WF_SORT_ASC), NULL);
    OK(wf_count(c, "task", q, &n), c);
    assert_true(n > 100);
    OK(wfh_config(g_ctl, "paging=%s", mode), g_ctl);
    walk_init(&w, c, 4096);
    w.stop_after = 1000; /* a walk that does not stop by itself ends here (and fails) */
    memset(&pd, 0, sizeof pd);
    pd.obj = "task";
    pd.query = q;
    pd.page_size = 50;
    pd.on_object = walk_object;
    if (!streamed) pd.on_page = walk_page;
    pd.user = &w;
    reqs = stat_ll("requests");
    r = wf_pager_run(c, &pd, &total);
    reqs = stat_ll("requests") - reqs;
    OK(wfh_config(g_ctl, "paging="), g_ctl);
    print_message("paging=%s%s%s: %s; %lld objects in %lld requests: %s\n", mode, streamed ? " (streamed)" : "",
                  sorted ? " (sorted by name)" : "", wf_result_str(r), w.objects, reqs, wf_client_error(c)->text);
    CHECK(WF_ERR_RESPONSE, r, c);
    CONTAINS(wf_client_error(c)->text, "$$FIRST=");
    CONTAINS(wf_client_error(c)->text, strcmp(mode, "ignore") == 0 ? "ignores paging" : "ignores $$FIRST");
    assert_int_equal(reqs, want_requests);
    assert_int_equal(w.objects, want_objects);
    assert_int_equal(total, want_objects);
    assert_int_equal((long long)w.dups, 0);
    walk_free(&w);
}

static void test_pager_server_ignores_paging(void **state) {
    (void)state;
    /* every match in one answer: more than the 50 asked for, nothing handed over */
    pager_no_paging_case("ignore", false, false, 0, 1);
    pager_no_paging_case("ignore", true, false, 50, 1); /* streamed: stops at the 51st */
    /* the first page again: the second page brings nothing new */
    pager_no_paging_case("ignore_first", false, false, 50, 2);
    pager_no_paging_case("ignore_first", true, false, 50, 2);
    /* the caller's own order: the second page starts where the first did */
    pager_no_paging_case("ignore_first", false, true, 50, 2);
    pager_no_paging_case("ignore_first", true, true, 50, 2);
}

/* What a call names on the server is checked in one place for every call:
   an object code of 200 characters is refused (never cut and sent), IDs
   are 32 hex digits or a special ID such as $$USER, which reaches the
   server percent-encoded and reads the caller's own user. */
static void test_names_and_ids(void **state) {
    wf_client *c = client();
    wf_json data;
    char longobj[201];
    long long before;
    (void)state;
    memset(longobj, 'A', 200);
    longobj[200] = 0;
    before = stat_ll("requests");
    CHECK(WF_ERR_INVALID, wf_get(c, longobj, AWKWARD_TASK_ID "," CJK_TASK_ID, "name", &data), c);
    CONTAINS(wf_client_error(c)->text, "object code");
    CHECK(WF_ERR_INVALID, wf_get(c, longobj, AWKWARD_TASK_ID, "name", &data), c);
    CHECK(WF_ERR_INVALID, wf_search(c, longobj, NULL, &data), c);
    CHECK(WF_ERR_INVALID, wf_edit(c, longobj, AWKWARD_TASK_ID, NULL, NULL, &data), c);
    CHECK(WF_ERR_INVALID, wf_action(c, "task", AWKWARD_TASK_ID, longobj, NULL, &data), c);
    CONTAINS(wf_client_error(c)->text, "action name");
    CHECK(WF_ERR_INVALID, wf_named_query(c, "task", longobj, NULL, &data), c);
    CHECK(WF_ERR_INVALID, wf_get(c, "task", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "name", &data), c);
    CONTAINS(wf_client_error(c)->text, "hexadecimal");
    CHECK(WF_ERR_INVALID, wf_get(c, "task", AWKWARD_TASK_ID ",xyz", "name", &data), c);
    CONTAINS(wf_client_error(c)->text, "\"xyz\"");
    CHECK(WF_ERR_INVALID, wf_get(c, "task", "$$", "name", &data), c);
    CHECK(WF_ERR_INVALID, wf_get(c, "task", "$$USER/../x", "name", &data), c);
    CHECK(WF_ERR_INVALID, wf_delete(c, "task", "abc", false), c);
    CHECK(WF_ERR_INVALID, wf_copy(c, "task", "abc", NULL, NULL, &data), c);
    CHECK(WF_ERR_INVALID, wf_move(c, "task", AWKWARD_TASK_ID, "abc", &data), c);
    assert_int_equal(stat_ll("requests"), before); /* not one request */
    /* $$USER: the caller's own user, alone and in a list */
    OK(wf_get(c, "user", "$$USER", "ID,username", &data), c);
    JSTR(wf_json_get(data, "ID"), WFH_ADMIN_USER_ID);
    OK(wf_get(c, "user", "$$USER," JANE_USER_ID, "ID", &data), c);
    assert_int_equal(wf_json_len(data), 2);
    JSTR(wf_json_get(wf_json_at(data, 0), "ID"), WFH_ADMIN_USER_ID);
    JSTR(wf_json_get(wf_json_at(data, 1), "ID"), JANE_USER_ID);
    /* on the wire the path segment is percent-encoded */
    {
        wf_json echo;
        OK(wf_request(c, "GET", "user/%24%24USER", NULL, NULL, &echo), c);
        JSTR(wf_json_get(echo, "ID"), WFH_ADMIN_USER_ID);
    }
    assert_int_equal(stat_ll("requests"), before + 3);
}

/* A 12 KB filter value and a 14 KB in-list go through the automatic
   POST + method=GET fallback, with the right answers. */
static void test_long_filter(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    wf_json data, last;
    idlist want = { 0 }, got = { 0 };
    char *big;
    size_t i;
    const char **ids;
    (void)state;
    big = (char *)malloc(12 * 1024 + 1);
    assert_non_null(big);
    for (i = 0; i < 12 * 1024; i++) big[i] = "ab &=%#x"[i % 8];
    big[12 * 1024] = 0;
    OK(wf_query_filter(q, "projectID", WF_MOD_EQ, FIRST_PROJECT_ID), NULL);
    OK(wf_query_filter(q, "name", WF_MOD_NOTCONTAINS, big), NULL);
    free(big);
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    assert_true(strlen(wf_query_str(q)) > 12 * 1024);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), g_nref);
    last = wf_json_get(stats_doc(), "last_request");
    JSTR(wf_json_get(last, "method"), "POST");
    JSTR(wf_json_get(last, "effective_method"), "GET");
    assert_true(jint(wf_json_get(last, "target_length")) <= 8192);
    assert_true(jint(wf_json_get(last, "body_bytes")) > 12 * 1024);

    /* 400 real IDs with ID_Mod=in */
    wf_query_reset(q);
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_query_limit(q, 3000, 400), NULL);
    OK(wf_search(c, "task", q, &data), c);
    ids_of(data, &want);
    assert_int_equal(want.n, 400);
    ids = (const char **)malloc(want.n * sizeof *ids);
    assert_non_null(ids);
    for (i = 0; i < want.n; i++) ids[i] = want.id[i];
    wf_query_reset(q);
    OK(wf_query_in(q, "ID", WF_MOD_IN, ids, want.n), NULL);
    free(ids);
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    assert_true(strlen(wf_query_str(q)) > 14000);
    OK(wf_search(c, "task", q, &data), c);
    ids_of(data, &got);
    ids_sort(&got);
    ids_sort(&want);
    last = wf_json_get(stats_doc(), "last_request");
    JSTR(wf_json_get(last, "method"), "POST");
    JSTR(wf_json_get(last, "effective_method"), "GET");
    if (!ids_equal(&got, &want, "ID in (400 IDs)")) { ids_free(&got); ids_free(&want); fail(); }
    ids_free(&got);
    ids_free(&want);
}

/* Keys and values with & = + % # ? / : $, spaces, CJK and emoji arrive as
   sent (the server's echo probe shows the parameters as it parsed them),
   in a GET and through the POST fallback; and filter values round-trip
   through real searches. */
static void echo_check(wf_client *c, const wf_query *q, const char *const (*pairs)[2], size_t n, bool expect_post) {
    wf_json data, p;
    size_t i = 0;
    char raw[4096];
    OK(wf_request(c, "GET", "__test/echo", q, NULL, &data), c);
    JSTR(wf_json_get(data, "effective_method"), "GET");
    JSTR(wf_json_get(data, "method"), expect_post ? "POST" : "GET");
    js(wf_json_get(data, "query"), raw, sizeof raw);
    if (!expect_post) {
        /* nothing with a meaning in a query travels literally */
        assert_null(strchr(raw, '#'));
        assert_null(strchr(raw, '+'));
        assert_null(strchr(raw, ' '));
    }
    for (p = wf_json_first(wf_json_get(data, "params")); wf_json_ok(p) && i < n; p = wf_json_next(p)) {
        if (wf_json_eq(wf_json_at(p, 0), "method")) continue; /* the fallback's own */
        JSTR(wf_json_at(p, 0), pairs[i][0]);
        JSTR(wf_json_at(p, 1), pairs[i][1]);
        i++;
    }
    assert_int_equal(i, n);
}

static void test_percent_encoding(void **state) {
    static const char *const pairs[][2] = {
        { "a&b=c", "x&y=z" },
        { "plus+space key", "1 + 1 = 2" },
        { "pct%25#hash?", "100% #1? /path:colon$dollar" },
        { "DE:Custom Text", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x9A\x80 emoji \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x9A\x80" },
        { "OR:1:name_Mod", "cicontains" },
        { "$$weird$$", "$:/?#[]@!$&'()*+,;=" },
        { "empty", "" },
        { "%zz", "%%41" },
    };
    wf_client *c = client();
    wf_query *q = query();
    wf_json data;
    size_t i, n = sizeof pairs / sizeof pairs[0];
    char *big;
    (void)state;
    for (i = 0; i < n; i++) OK(wf_query_add(q, pairs[i][0], pairs[i][1]), NULL);
    echo_check(c, q, pairs, n, false);
    /* the same through the long-URI fallback (a 10 KB value at the end) */
    {
        const char *(*all)[2] = (const char *(*)[2])malloc((n + 1) * sizeof *all);
        assert_non_null(all);
        /* & = + % # space ? / : $ and a CJK character, 769 times (9997 bytes) */
        big = (char *)malloc(10001);
        assert_non_null(big);
        for (i = 0; i < 769 * 13; i++) big[i] = "&=+%# ?/:$\xE6\x97\xA5"[i % 13];
        big[769 * 13] = 0;
        for (i = 0; i < n; i++) { all[i][0] = pairs[i][0]; all[i][1] = pairs[i][1]; }
        all[n][0] = "big";
        all[n][1] = big;
        OK(wf_query_add(q, "big", big), NULL);
        echo_check(c, q, (const char *const (*)[2])all, n + 1, true);
        free(all);
        free(big);
    }

    /* filter values the server holds, found by exact match */
    wf_query_reset(q);
    OK(wf_query_filter(q, "name", WF_MOD_EQ, AWKWARD_TASK_NAME), NULL);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 1);
    JSTR(wf_json_get(wf_json_at(data, 0), "ID"), AWKWARD_TASK_ID);
    wf_query_reset(q);
    OK(wf_query_filter(q, DE_TEXT, WF_MOD_EQ, AWKWARD_TASK_NAME), NULL);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 1);
    JSTR(wf_json_get(wf_json_at(data, 0), "ID"), AWKWARD_TASK_ID);
    /* and a user name with & = + % # ? / : $ space, CJK and emoji as a password */
    {
        wf_client_desc d;
        wf_client *z;
        wfh_desc(&g_srv, WFH_HTTP, &d);
        z = client_desc(&d);
        OK(wf_login(z, "zoe.obrien@test.example", "p@ss w0rd&=+%#?/:$ \xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x9A\x80"), z);
        assert_string_equal(wf_user_id(z), "6b2c3d4e00000b22c1c1d1d1e1e1f1f2");
    }
}

/* ======================================================================= */

#define T(name) { #name, test_##name, wfh_fixture_setup, wfh_fixture_teardown, NULL }

int main(int argc, char **argv) {
    static const struct CMUnitTest all[] = {
        T(modifiers),
        T(multivalue_contains),
        T(or_groups),
        T(filters_json),
        T(nested_fields),
        T(multi_sort),
        T(count),
        T(report),
        T(metadata),
        T(named_query),
        T(map),
        T(limit_and_invalid_input),
        T(pager_10000),
        T(pager_10000_streaming),
        T(pager_exact_multiple),
        T(pager_server_ignores_paging),
        T(names_and_ids),
        T(long_filter),
        T(percent_encoding),
    };
    return WFH_RUN("reads", all, group_setup, group_teardown, argc, argv);
}
