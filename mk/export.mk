# mk/export.mk - wf's export paths: pass-through JSON/NDJSON, --csv, sync.
# tests/cli/test_export.py starts its own test server (10,000 tasks, so sync
# pages past 2000), runs the sanitizer build of wf against it and parses
# what it prints (the CSV with Python's csv module).  About a minute.
#
#   make export-test             all of it
#   make export-test T=sync      only the tests whose names contain "sync"

#   make export                  the library's incremental walks (tests/test_export.c:
#                                equal timestamps over pages of 7, an object changed
#                                during the walk, refusals)

.PHONY: export-test export
export-test: deps $(B)/wf-san
	WF=$(B)/wf-san B=$(B) $(PYTHON) tests/cli/test_export.py $(T)

$(B)/test_export: tests/test_export.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_export.c -o $@ -lcmocka $(TLSLIBS)

export: deps $(B)/test_export
	./$(B)/test_export $(T)

TEST_SUITES += export-test export
TEST_BUILD  += $(B)/test_export
