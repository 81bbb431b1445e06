# mk/endpoint.mk - any endpoint (wf_request_ex), event subscriptions and
# document download against the test server (tests/test_endpoint.c),
# including the 20 MiB download measured with a counting allocator.
#
#   make endpoint                      build and run (a suite of make test)
#   ./build/test_endpoint download     only the tests whose names contain "download"

$(B)/test_endpoint: tests/test_endpoint.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_endpoint.c -o $@ -lcmocka $(TLSLIBS)

.PHONY: endpoint
endpoint: deps $(B)/test_endpoint
	./$(B)/test_endpoint

TEST_SUITES += endpoint
TEST_BUILD  += $(B)/test_endpoint
