# make bench: workfront.h side by side with the official JS client (npm
# workfront-api) and a libcurl + cJSON baseline, against the bundled test
# server; writes bench/RESULTS.md.  Never part of `make test`.
# Installs at bench time what it needs (as root: libcurl4-openssl-dev,
# libcjson-dev; npm workfront-api into bench/node_modules); what cannot be
# installed is skipped and named in the results.  BENCH_RUNS=N changes the
# number of timed runs (default 3).
.PHONY: bench
bench: deps
	$(PYTHON) bench/run.py
