# mk/itests.mk - integration tests of reads, writes and auth.
# Included by the top Makefile (-include mk/*.mk), which defines B, CC,
# TESTCF and TLSLIBS.  Each program starts its own test server
# (tests/server/wfserver.py through tests/harness.h) and stops it.
#
#   make reads, make writes, make auth   build and run one (three suites of make test)
#   make itests                          all three
#   ./build/test_reads pager             only the tests whose names contain "pager"

ITESTS := $(B)/test_reads $(B)/test_writes $(B)/test_auth

$(B)/test_reads: tests/test_reads.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_reads.c -o $@ -lcmocka $(TLSLIBS)

$(B)/test_writes: tests/test_writes.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_writes.c -o $@ -lcmocka $(TLSLIBS)

$(B)/test_auth: tests/test_auth.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_auth.c -o $@ -lcmocka $(TLSLIBS)

.PHONY: itests reads writes auth
reads writes auth: %: deps $(B)/test_%
	./$(B)/test_$*

itests: reads writes auth

TEST_SUITES += reads writes auth
TEST_BUILD  += $(ITESTS)
