# mk/ims.mk - OAuth Server-to-Server (Adobe IMS) with the token cache, and
# Workfront dates.  Included by the top Makefile (-include mk/*.mk).
#
#   make ims                  IMS and token cache against the test server
#   make time                 dates: parse, format, round-trip property
#   ./build/test_ims cache    only the tests whose names contain "cache"

$(B)/test_ims: tests/test_ims.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) -Itests tests/test_ims.c -o $@ -lcmocka $(TLSLIBS)

$(B)/test_time: tests/test_time.c workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_time.c -o $@ -lcmocka $(TLSLIBS)

.PHONY: ims time
ims time: %: deps $(B)/test_%
	./$(B)/test_$*

TEST_SUITES += ims time
TEST_BUILD  += $(B)/test_ims $(B)/test_time
