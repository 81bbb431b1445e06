# mk/ims.mk - OAuth Server-to-Server (Adobe IMS), the token cache and
# Workfront dates.  Included by the top Makefile (-include mk/*.mk).
#
#   make ims-test               build and run both suites
#   ./build/test_ims cache      only the tests whose names contain "cache"

$(B)/test_ims: tests/test_ims.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) -Itests tests/test_ims.c -o $@ -lcmocka $(TLSLIBS)

$(B)/test_time: tests/test_time.c workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_time.c -o $@ -lcmocka $(TLSLIBS)

.PHONY: ims-test
ims-test: deps $(B)/test_ims $(B)/test_time
	./$(B)/test_time
	./$(B)/test_ims

TEST_SUITES += ims-test
