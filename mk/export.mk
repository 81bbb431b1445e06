# mk/export.mk - wf's export paths: pass-through JSON/NDJSON, --csv, sync.
# tests/cli/test_export.py starts its own test server (10,000 tasks, so sync
# pages past 2000), runs the sanitizer build of wf against it and parses
# what it prints (the CSV with Python's csv module).  About a minute.
#
#   make export-test             all of it
#   make export-test T=sync      only the tests whose names contain "sync"

.PHONY: export-test
export-test: deps $(B)/wf-san
	WF=$(B)/wf-san B=$(B) $(PYTHON) tests/cli/test_export.py $(T)

TEST_SUITES += export-test
