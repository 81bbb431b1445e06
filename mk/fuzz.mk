# mk/fuzz.mk - libFuzzer targets of workfront.h (tests/fuzz/).
#
#   make fuzz          fuzz every target for FUZZ_SECONDS (one worker each,
#                      one after the other) and print executions per target;
#                      fails on any crash, leak, sanitizer report or failed
#                      check.  Crash inputs: build/fuzz/crashes/.
#   make fuzz-smoke    run every target once over its committed corpus and
#                      regression inputs (tests/fuzz/corpus/<t>/ and
#                      tests/fuzz/corpus/regression/<t>/): quick and
#                      deterministic, for make ci.
#   make fuzz-build    build the targets only (build/fuzz/fuzz_*).
#   make fuzz-cmin     fold the working corpus (build/fuzz/corpus/) into the
#                      committed seed corpus, minimised (-merge=1).
#
# FUZZ_SECONDS=150 gives about 23 million executions in total (15 minutes,
# one core of a shared 2-core machine; the targets together run about
# 154,000 inputs a second, rates in tests/fuzz/RESULTS.md); 10 million
# executions in all take FUZZ_SECONDS >= 65.  FUZZ_HEADER_DIR=dir fuzzes dir/workfront.h instead of the
# repository's (e.g. a copy with proposed fixes).
.PHONY: fuzz fuzz-smoke fuzz-build fuzz-bins fuzz-cmin fuzz-deps

FUZZ_TARGETS  := fuzz_http fuzz_json fuzz_query fuzz_updates fuzz_url fuzz_client
FUZZ_SECONDS  ?= 150
FUZZ_SMOKE_SECONDS ?= 0
FUZZ_CC       ?= clang
FUZZ_HEADER_DIR ?=
FUZZ_CF       := -std=c99 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
                 -fno-omit-frame-pointer -Wall -Wextra $(if $(FUZZ_HEADER_DIR),-I$(FUZZ_HEADER_DIR)) -I. -Itests/fuzz
# binaries of another header live apart, so switching never mixes them up
FUZZ_BIN_DIR  := $(B)/fuzz$(if $(FUZZ_HEADER_DIR),/hdr-$(subst /,_,$(FUZZ_HEADER_DIR)))
FUZZ_BINS     := $(addprefix $(FUZZ_BIN_DIR)/,$(FUZZ_TARGETS))

fuzz-deps:
	@sh mk/deps.sh cmd:clang=clang libclang-rt-dev

$(FUZZ_BIN_DIR):
	@mkdir -p $@

$(FUZZ_BIN_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h workfront.h $(if $(FUZZ_HEADER_DIR),$(FUZZ_HEADER_DIR)/workfront.h) | $(FUZZ_BIN_DIR)
	$(FUZZ_CC) $(FUZZ_CF) $< -o $@ $(TLSLIBS)

# the six targets build two at a time (about 12 s instead of 24 s)
fuzz-build: deps fuzz-deps
	@$(MAKE) --no-print-directory -j2 fuzz-bins
fuzz-bins: $(FUZZ_BINS)
	@:

fuzz: fuzz-build
	@FUZZ_BIN_DIR=$(FUZZ_BIN_DIR) sh mk/hardening/fuzz-run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@FUZZ_BIN_DIR=$(FUZZ_BIN_DIR) sh mk/hardening/fuzz-run.sh smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# The committed corpus of each target becomes the minimal set (by coverage)
# of itself + the working corpus; inputs above FUZZ_CMIN_MAX_LEN bytes are
# left out.  Regression inputs stay as they are.
FUZZ_CMIN_MAX_LEN ?= 2048
# edges only (no hit-count buckets, no comparison features): one input per
# new edge, a few hundred files per target instead of thousands
FUZZ_CMIN_FLAGS ?= -use_counters=0 -use_cmp=0 -use_value_profile=0
fuzz-cmin: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  rm -rf $(B)/fuzz/cmin/$$t; mkdir -p $(B)/fuzz/cmin/$$t $(B)/fuzz/logs tests/fuzz/corpus/$$t $(B)/fuzz/corpus/$$t; \
	  ./$(FUZZ_BIN_DIR)/$$t -merge=1 $(FUZZ_CMIN_FLAGS) -max_len=$(FUZZ_CMIN_MAX_LEN) $(B)/fuzz/cmin/$$t tests/fuzz/corpus/$$t $(B)/fuzz/corpus/$$t \
	    >$(B)/fuzz/logs/$$t.cmin.log 2>&1 || { echo "fuzz-cmin: $$t failed (see $(B)/fuzz/logs/$$t.cmin.log)"; exit 1; }; \
	  rm -f tests/fuzz/corpus/$$t/*; cp $(B)/fuzz/cmin/$$t/* tests/fuzz/corpus/$$t/; \
	  rm -rf $(B)/fuzz/cmin/$$t; \
	  echo "fuzz-cmin: $$t: $$(ls tests/fuzz/corpus/$$t | wc -l) files, $$(cat tests/fuzz/corpus/$$t/* | wc -c) bytes"; \
	done

# make ci runs every target over its committed corpus and regression inputs.
CI_SUITES += fuzz-smoke
