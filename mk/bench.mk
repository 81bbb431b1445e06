# make bench: workfront.h side by side with the official JS client (npm
# workfront-api) and a libcurl + cJSON baseline, against the bundled test
# server (P1-P3: bench/run.py; P4, exporting every task: bench/export.py);
# writes bench/RESULTS.md.  Never part of `make test`.
# Installs at bench time what it needs (as root: libcurl4-openssl-dev,
# libcjson-dev; npm workfront-api into bench/node_modules); what cannot be
# installed is skipped and named in the results.  BENCH_RUNS=N changes the
# number of timed runs (default 3).
.PHONY: bench
bench: deps
	$(PYTHON) bench/run.py
	$(PYTHON) bench/export.py

# P4 alone (export of every task: wf, the JS client, curl | jq, and the
# callgrind instructions-per-byte check); replaces its section of
# bench/RESULTS.md.  BENCH_WF_BASE=REV adds wf built from revision REV.
.PHONY: bench-export
bench-export: deps
	$(PYTHON) bench/export.py
