# mk/itests.mk - integration tests of issues 4 (reads), 5 (writes) and 6 (auth).
# Included by the top Makefile (-include mk/*.mk), which defines B, CC,
# TESTCF and TLSLIBS.  Each program starts its own test server
# (tests/server/wfserver.py through tests/harness.h) and stops it.
#
#   make itests                  build and run all three
#   ./build/test_reads pager     run only the tests whose names contain "pager"

ITESTS := $(B)/test_reads $(B)/test_writes $(B)/test_auth

$(B)/test_reads: tests/test_reads.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_reads.c -o $@ -lcmocka $(TLSLIBS)

$(B)/test_writes: tests/test_writes.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_writes.c -o $@ -lcmocka $(TLSLIBS)

$(B)/test_auth: tests/test_auth.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_auth.c -o $@ -lcmocka $(TLSLIBS)

.PHONY: itests
itests: deps $(ITESTS)
	@fail=0; \
	for t in $(ITESTS); do echo "== $$t"; ./$$t || fail=1; done; \
	if [ $$fail = 0 ]; then echo "itests: all passed"; else echo "itests: FAILED"; exit 1; fi
