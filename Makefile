# workfront.h: `make demo`, `make server`, `make test` (every functional
# suite, about 3 minutes) and `make ci` (make test plus the slow suites).
# They install missing Debian packages first (as root) or say what to install.
# How the suites are organised, and how to add one: docs/testing.md.

CC      ?= cc
CXX     ?= c++
PYTHON  ?= python3
B       := build
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
TLSLIBS := -lmbedtls -lmbedx509 -lmbedcrypto
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# -O0: the test programs compile in less than half the CPU time of -O1
# (test_integration: 3.2 s instead of 7.4 s) and run no slower: they wait on
# sockets, not on the CPU.  The optimised builds (wf, check, valgrind, fuzz)
# keep their -O2/-O1.
TESTCF  := -std=c99 -g -O0 $(SAN) $(WARN) -I.

.PHONY: all deps demo server test ci check unit integration hardening cli-test server-test wf clean

# The suites: each is a make target that builds what it needs, runs, and
# prints a count (docs/testing.md).  make test runs TEST_SUITES, make ci
# runs them and then CI_SUITES; a fragment in mk/*.mk adds its suite with
# one line (TEST_SUITES += name, or CI_SUITES += name).  TEST_BUILD names
# what make test compiles up front, two at a time, before the suites start;
# make ci builds CI_BUILD too.
TEST_SUITES := check unit integration hardening cli-test server-test
CI_SUITES   :=
TEST_BUILD  := $(B)/test_unit $(B)/test_integration $(B)/test_hardening $(B)/wf-san
CI_BUILD    :=
all: $(B)/wf

deps:
	@sh mk/deps.sh

$(B):
	@mkdir -p $(B)

$(B)/wf: examples/wf.c workfront.h | $(B)
	$(CC) -std=c99 $(CFLAGS) $(WARN) -I. examples/wf.c -o $@ $(TLSLIBS)

wf: deps $(B)/wf

demo: deps $(B)/wf
	@sh mk/demo.sh

# the test server in the foreground until Ctrl-C, with the export lines that
# point wf and your own programs at it
server: deps
	@B=$(B) PYTHON=$(PYTHON) sh mk/server.sh

$(B)/test_unit: tests/test_unit.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_unit.c -o $@ -lcmocka $(TLSLIBS)

$(B)/test_integration: tests/test_integration.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) tests/test_integration.c -o $@ -lcmocka $(TLSLIBS)

$(B)/test_hardening: tests/test_hardening.c tests/harness.h workfront.h | $(B)
	$(CC) $(TESTCF) -Itests tests/test_hardening.c -o $@ -lcmocka $(TLSLIBS)

# the CLI under test is built with the sanitizers too
$(B)/wf-san: examples/wf.c workfront.h | $(B)
	$(CC) $(TESTCF) examples/wf.c -o $@ $(TLSLIBS)

unit: deps $(B)/test_unit
	./$(B)/test_unit

integration: deps $(B)/test_integration
	./$(B)/test_integration

hardening: deps $(B)/test_hardening
	./$(B)/test_hardening

# LeakSanitizer's exit check costs each of the CLI test's ~500 wf runs 0.1 s
# (a minute of make test): it is off here, ASan and UBSan stay on, and make
# ci's valgrind suite checks every wf run for leaks.  CLI_ASAN_OPTIONS= turns
# it back on.
CLI_ASAN_OPTIONS ?= detect_leaks=0
cli-test: deps $(B)/wf-san
	ASAN_OPTIONS=$(CLI_ASAN_OPTIONS) WF=$(B)/wf-san sh tests/cli/test_wf.sh

# its certificates live with the others in build/certs
server-test: deps
	WFSERVER_TEST_CERTS=$(CURDIR)/$(B)/certs $(PYTHON) tests/server/test_wfserver.py

# The header stays a good citizen: C99, C11 and C++11 clean, wf_ symbols only,
# with gcc and with clang (installed here when missing, so a fresh machine
# checks both).
check: deps | $(B)
	@sh mk/deps.sh cmd:clang=clang cmd:clang++=clang
	@sh mk/check.sh

# Two suites at a time (SUITE_JOBS), longest first by the last run's times;
# one line per suite, logs in build/suites/, then `N passed, M failed`.
SUITE_JOBS ?= 2
SUITE_RUN   = MAKE="$(MAKE)" B="$(B)" SUITE_JOBS="$(SUITE_JOBS)" sh mk/suites.sh

test: deps
	@$(SUITE_RUN) test "$(TEST_BUILD)" $(TEST_SUITES)

# make test's suites, then the slow ones (valgrind, mbedTLS 3.6, static
# builds, fuzz smoke, cross builds) two at a time; .ci/run runs this.
ci: deps
	@$(SUITE_RUN) ci "$(TEST_BUILD) $(CI_BUILD)" $(TEST_SUITES) -- $(CI_SUITES)

# one suite, logged and counted as make test does it (mk/suites.sh)
suite-%:
	@B="$(B)" sh mk/suite.sh $* $(MAKE) --no-print-directory $*

clean:
	rm -rf $(B)

# Fragments: integration tests of reads/writes/auth, benchmarks, fuzzing and
# leak checks, mbedTLS 3.6, distribution; each adds its own suites.
-include mk/*.mk
