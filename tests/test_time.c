/* tests/test_time.c - Workfront dates: wf_time_parse / wf_json_time read
   Workfront's "2017-03-08T17:00:00:000+0400" and the ISO 8601 forms the
   API also returns into UTC milliseconds plus the offset; wf_time_format /
   wf_updates_time write Workfront's form.  Known instants, refusals, every
   prefix of a date (each one in a buffer of exactly its size, so a read
   past the end is caught by the sanitizer), and the property: write ->
   read gives back the same instant and offset over a sweep of instants
   (years 0000-9999) and offsets.
     make time   (or: make build/test_time && ./build/test_time) */
#define _POSIX_C_SOURCE 200809L
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

static wf_time parse_ok(const char *s) {
    wf_time t;
    wf_result r = wf_time_parse(s, strlen(s), &t);
    if (r != WF_OK) { print_error("wf_time_parse(\"%s\") = %s\n", s, wf_result_str(r)); fail(); }
    return t;
}

static void refused(const char *s) {
    wf_time t;
    wf_result r = wf_time_parse(s, strlen(s), &t);
    if (r != WF_ERR_INVALID) { print_error("wf_time_parse(\"%s\") = %s, wanted invalid\n", s, wf_result_str(r)); fail(); }
}

/* 2017-03-08T13:00:00Z */
#define T0 1488978000000LL

static void test_known_instants(void **state) {
    wf_time t;
    (void)state;
    t = parse_ok("2017-03-08T17:00:00:000+0400");      /* Workfront's own form */
    assert_int_equal(t.ms, T0);
    assert_int_equal(t.offset_min, 240);
    t = parse_ok("2017-03-08T17:00:00.000+04:00");     /* ISO 8601 */
    assert_int_equal(t.ms, T0);
    assert_int_equal(t.offset_min, 240);
    t = parse_ok("2017-03-08T13:00:00Z");
    assert_int_equal(t.ms, T0);
    assert_int_equal(t.offset_min, 0);
    t = parse_ok("2017-03-08T13:00Z");
    assert_int_equal(t.ms, T0);
    t = parse_ok("2017-03-08 08:00:00-0500");
    assert_int_equal(t.ms, T0);
    assert_int_equal(t.offset_min, -300);
    t = parse_ok("2017-03-08T18:30:00:123+05");        /* hours-only offset */
    assert_int_equal(t.ms, T0 + 1800000LL + 123);
    assert_int_equal(t.offset_min, 300);
    t = parse_ok("2017-03-08T13:00:00.1234567Z");      /* more digits: milliseconds kept */
    assert_int_equal(t.ms, T0 + 123);
    t = parse_ok("2017-03-08T13:00:00.5Z");
    assert_int_equal(t.ms, T0 + 500);
    t = parse_ok("2017-03-08T18:45:00:000+0545");      /* Nepal */
    assert_int_equal(t.ms, T0);
    assert_int_equal(t.offset_min, 345);
    t = parse_ok("2017-03-08");                        /* a bare date: UTC midnight */
    assert_int_equal(t.ms, T0 - 13 * 3600000LL);
    t = parse_ok("1970-01-01T00:00:00:000+0000");
    assert_int_equal(t.ms, 0);
    t = parse_ok("1969-12-31T23:59:59:999+0000");
    assert_int_equal(t.ms, -1);
    t = parse_ok("2016-02-29T00:00:00Z");
    assert_int_equal(t.ms, 1456704000000LL);
    t = parse_ok("2000-02-29T00:00:00Z");
    assert_int_equal(t.ms, 951782400000LL);
    t = parse_ok("0000-01-01T00:00:00Z");
    assert_int_equal(t.ms, -62167219200000LL);
    t = parse_ok("9999-12-31T23:59:59.999Z");
    assert_int_equal(t.ms, 253402300799999LL);
}

static void test_refusals(void **state) {
    static const char *const bad[] = {
        "", "2017", "2017-03", "2017-3-08", "17-03-08", "2017-03-08T", "2017-03-08T17", "2017-03-08T17:0",
        "2017-03-08T17:00:0", "2017-03-08T17:00:00:", "2017-03-08T17:00:00.", "2017-03-08T17:00:00:000+",
        "2017-03-08T17:00:00:000+4", "2017-03-08T17:00:00:000+040", "2017-03-08T17:00:00:000+04:0",
        "2017-03-08T17:00:00:000 +0400", "2017-03-08T17:00:00:000+0400 ", "2017-03-08T17:00:00:000+0400x",
        "2017-03-08T17:00:00Zx", "2017-13-08", "2017-00-08", "2017-02-29", "1900-02-29", "2017-04-31",
        "2017-03-00", "2017-03-32", "2017-03-08T24:00:00Z", "2017-03-08T23:60:00Z", "2017-03-08T23:59:60Z",
        "2017-03-08T17:00:00:000+2400", "2017-03-08T17:00:00:000+0060", "2017-03-08t17:00:00Z",
        "2017-03-08T17:00:00.1234567890Z", "-2017-03-08", "+2017-03-08", "2017-03-08T17:00:00:000\xe2\x88\x92" "0400",
        "2017/03/08", "2017-03-08T17.00.00Z", "2017-03-08T17:00:00Z+0400", "\0" "2017-03-08",
    };
    size_t i;
    wf_time t;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) refused(bad[i]);
    /* a NUL inside the given length is not the end of the text */
    assert_int_equal(wf_time_parse("2017-03-08\0T", 12, &t), WF_ERR_INVALID);
    assert_int_equal(wf_time_parse(NULL, 0, &t), WF_ERR_INVALID);
    assert_int_equal(wf_time_parse("2017-03-08", 10, NULL), WF_ERR_INVALID);
}

/* Every prefix of these dates, in a buffer of exactly its length: parsed
   or refused, never read past the end. */
static void test_every_prefix(void **state) {
    static const char *const dates[] = {
        "2017-03-08T17:00:00:000+0400", "2017-03-08T17:00:00.123456789-09:30", "2017-03-08 17:00Z",
    };
    size_t i, n;
    (void)state;
    for (i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        size_t len = strlen(dates[i]);
        for (n = 0; n <= len; n++) {
            char *b = (char *)malloc(n ? n : 1);
            wf_time t;
            wf_result r;
            assert_non_null(b);
            memcpy(b, dates[i], n);
            r = wf_time_parse(b, n, &t);
            assert_true(r == WF_OK || r == WF_ERR_INVALID);
            free(b);
        }
    }
}

static void test_json_and_updates(void **state) {
    static const char json[] = "{\"plannedCompletionDate\":\"2017-03-08T17:00:00:000+0400\",\"n\":3,"
                               "\"iso\":\"2017-03-08T13:00:00.000Z\",\"bad\":\"soon\"}";
    wf_doc *doc = NULL;
    wf_json root;
    wf_time t;
    wf_updates u;
    const char *out;
    (void)state;
    assert_int_equal(wf_doc_parse(json, sizeof json - 1, NULL, &doc), WF_OK);
    root = wf_doc_root(doc);
    assert_int_equal(wf_json_time(wf_json_get(root, "plannedCompletionDate"), &t), WF_OK);
    assert_int_equal(t.ms, T0);
    assert_int_equal(t.offset_min, 240);
    assert_int_equal(wf_json_time(wf_json_get(root, "iso"), &t), WF_OK);
    assert_int_equal(t.ms, T0);
    assert_int_equal(wf_json_time(wf_json_get(root, "n"), &t), WF_ERR_TYPE);
    assert_int_equal(wf_json_time(wf_json_get(root, "missing"), &t), WF_ERR_TYPE);
    assert_int_equal(wf_json_time(wf_json_get(root, "bad"), &t), WF_ERR_INVALID);
    wf_doc_free(doc);

    memset(&u, 0, sizeof u);
    t.ms = T0;
    t.offset_min = 240;
    assert_int_equal(wf_updates_set_time(&u, "plannedCompletionDate", t), WF_OK);
    t.offset_min = -570;
    assert_int_equal(wf_updates_set_time(&u, "other", t), WF_OK);
    out = wf_updates_json(&u, NULL);
    assert_non_null(out);
    assert_string_equal(out, "{\"plannedCompletionDate\":\"2017-03-08T17:00:00:000+0400\","
                             "\"other\":\"2017-03-08T03:30:00:000-0930\"}");
    wf_updates_free(&u);

    /* out of range: the writer refuses and says why */
    memset(&u, 0, sizeof u);
    t.ms = 253402300800000LL; /* 10000-01-01 */
    t.offset_min = 0;
    assert_int_equal(wf_updates_set_time(&u, "d", t), WF_ERR_RANGE);
    assert_non_null(strstr(u.error, "out of range"));
    assert_null(wf_updates_json(&u, NULL));
    wf_updates_free(&u);
    {
        char buf[64];
        t.ms = 0;
        t.offset_min = 1440;
        assert_int_equal(wf_time_format(t, buf, sizeof buf), 0);
        t.offset_min = 0;
        assert_int_equal(wf_time_format(t, buf, 28), 0); /* no room for the NUL */
        assert_int_equal(wf_time_format(t, buf, 29), 28);
        assert_string_equal(buf, "1970-01-01T00:00:00:000+0000");
        t.ms = INT64_MIN;
        assert_int_equal(wf_time_format(t, buf, sizeof buf), 0);
        t.ms = INT64_MAX;
        assert_int_equal(wf_time_format(t, buf, sizeof buf), 0);
    }
}

/* The property: for every instant and offset of the sweep, formatting and
   parsing give back both; the ISO spelling of the same text does too. */
static void test_round_trip_sweep(void **state) {
    static const int offsets[] = { 0, 60, -60, 240, -300, 330, 345, 525, 570, -570, 720, 765, 780, 840, -720, -1439, 1439 };
    const int64_t lo = -62167219200000LL + 86400000LL, hi = 253402300799999LL - 86400000LL;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    long n = 0;
    int k;
    (void)state;
    for (k = 0; k < 100000; k++) {
        wf_time t, back, iso;
        char buf[40], alt[48];
        size_t o;
        int64_t ms;
        if (k < 4000) {
            /* every day boundary around 1970, 2000 and the leap days of 2000 and 2100 */
            static const int64_t bases[4] = { 0, 946684800000LL, 951782400000LL, 4107542400000LL };
            ms = bases[k % 4] + (int64_t)(k / 4 - 500) * 86400000LL + (k % 3) - 1;
        } else {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            ms = lo + (int64_t)(x % (uint64_t)(hi - lo));
        }
        for (o = 0; o < sizeof offsets / sizeof offsets[0]; o += 1 + (size_t)(k % 3)) {
            t.ms = ms;
            t.offset_min = offsets[o];
            if (wf_time_format(t, buf, sizeof buf) != 28) { print_error("format %lld %d\n", (long long)ms, offsets[o]); fail(); }
            if (wf_time_parse(buf, strlen(buf), &back) != WF_OK || back.ms != t.ms || back.offset_min != t.offset_min) {
                print_error("round trip of %lld%+d: \"%s\" -> %lld%+d\n", (long long)t.ms, t.offset_min, buf,
                            (long long)back.ms, back.offset_min);
                fail();
            }
            /* "...:SS.mmm+HH:MM": the same instant in ISO 8601 */
            snprintf(alt, sizeof alt, "%.19s.%.3s%.3s:%.2s", buf, buf + 20, buf + 23, buf + 26);
            if (wf_time_parse(alt, strlen(alt), &iso) != WF_OK || iso.ms != t.ms || iso.offset_min != t.offset_min) {
                print_error("ISO form \"%s\" of \"%s\" read as %lld%+d\n", alt, buf, (long long)iso.ms, iso.offset_min);
                fail();
            }
            n++;
        }
    }
    assert_true(n > 500000);
}

int main(void) {
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_instants),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_json_and_updates),
        cmocka_unit_test(test_round_trip_sweep),
    };
    return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
