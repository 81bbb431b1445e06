# mk/valgrind.mk - memcheck runs and allocation-failure injection.  Included by the top Makefile, which defines B, CC,
# WARN, TESTCF and TLSLIBS.
#
#   make valgrind        every cmocka program (unit, integration, hardening,
#                        reads, writes, auth, alloc-fail: its error paths
#                        checked for uninitialised reads too) and the whole
#                        wf CLI test,
#                        built WITHOUT sanitizers into build/vg/ and run under
#                        valgrind memcheck: any memory error, use of an
#                        uninitialised value or leak (definite, indirect,
#                        possible) fails.  About 3 min 40 s on 2 cores
#                        from a clean build/vg (CLI test 136 s of it).
#                        make ci runs this whole target.
#   make valgrind-quick  a shorter run for development: the same seven
#                        programs, whole, and the CLI test with every 2nd wf
#                        run under valgrind (the others run the same plain
#                        binary natively).  Each wf run pays about 1 s of
#                        valgrind start-up and TLS handshake, so the whole
#                        CLI test takes ~135 s under valgrind, half of it
#                        here.  About 2 min 35 s from clean (CLI 67 s).
#   make alloc-fail      tests/test_alloc_fail.c built with ASan+UBSan like
#                        the unit tests: every allocation of each scenario
#                        failed in turn (alone, then with all after it) must
#                        be reported as an error and leak nothing.  Seconds.
#
#   VG_CLI_EVERY=N       valgrind on every Nth wf run of the CLI test
#                        (make valgrind: 1, make valgrind-quick: 2).
#   One test under memcheck: make valgrind-build, then
#                        valgrind <the options of VALGRIND below> build/vg/test_reads pager
#
# Nothing is suppressed in the project's own code; mk/valgrind.supp is for
# third-party noise only and says why for each entry.  No test is skipped
# and no timeout is changed under valgrind: the timing tests pass at its
# slowdown as they are.
VG_DIR   := $(B)/vg
VGCF     := -std=c99 -g -O1 -fno-omit-frame-pointer $(WARN) -I. -Itests
VG_SUPP  := $(CURDIR)/mk/valgrind.supp
VALGRIND := valgrind --tool=memcheck -q --leak-check=full \
            --show-leak-kinds=definite,indirect,possible \
            --errors-for-leak-kinds=definite,indirect,possible \
            --error-exitcode=99 --track-origins=yes --num-callers=30 \
            --suppressions=$(VG_SUPP)

VG_TESTS := test_unit test_integration test_hardening test_reads test_writes test_auth test_alloc_fail test_endpoint
VG_BINS  := $(addprefix $(VG_DIR)/,$(VG_TESTS)) $(VG_DIR)/wf

.PHONY: valgrind valgrind-quick valgrind-build valgrind-deps alloc-fail

valgrind-deps:
	@sh mk/deps.sh cmd:valgrind=valgrind

$(VG_DIR):
	@mkdir -p $@

$(VG_DIR)/test_%: tests/test_%.c tests/harness.h workfront.h | $(VG_DIR)
	$(CC) $(VGCF) $< -o $@ -lcmocka $(TLSLIBS)

$(VG_DIR)/wf: examples/wf.c workfront.h | $(VG_DIR)
	$(CC) $(VGCF) examples/wf.c -o $@ $(TLSLIBS)

# the builds are independent: two at a time
valgrind-build: deps valgrind-deps
	@$(MAKE) --no-print-directory -j2 $(VG_BINS)

valgrind: valgrind-build
	@VALGRIND="$(VALGRIND)" VG_DIR=$(VG_DIR) VG_CLI_EVERY=$(or $(VG_CLI_EVERY),1) \
	  sh mk/hardening/valgrind-run.sh $(VG_TESTS) cli

valgrind-quick: valgrind-build
	@VALGRIND="$(VALGRIND)" VG_DIR=$(VG_DIR) VG_CLI_EVERY=$(or $(VG_CLI_EVERY),2) \
	  sh mk/hardening/valgrind-run.sh $(VG_TESTS) cli

# ------------------------------------------------------- allocation failure

$(B)/test_alloc_fail: tests/test_alloc_fail.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_alloc_fail.c -o $@ -lcmocka $(TLSLIBS)

alloc-fail: deps $(B)/test_alloc_fail
	./$(B)/test_alloc_fail

# make ci runs the whole of make valgrind (about 70 s more than valgrind-quick).
TEST_SUITES += alloc-fail
TEST_BUILD  += $(B)/test_alloc_fail
CI_SUITES   += valgrind
