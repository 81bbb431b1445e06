# workfront.h — the two commands are `make demo` and `make test`.
# Both install missing Debian packages first (as root) or say what to install.

CC      ?= cc
CXX     ?= c++
PYTHON  ?= python3
B       := build
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
TLSLIBS := -lmbedtls -lmbedx509 -lmbedcrypto
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
TESTCF  := -std=c99 -g -O1 $(SAN) $(WARN) -I.

.PHONY: all deps demo test check unit integration hardening cli-test server-test wf clean

# make test runs every suite listed here; the fragments in mk/*.mk add theirs.
TEST_SUITES := check unit integration hardening cli-test server-test
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

cli-test: deps $(B)/wf-san
	WF=$(B)/wf-san sh tests/cli/test_wf.sh

server-test: deps
	$(PYTHON) tests/server/test_wfserver.py

# The header stays a good citizen: C99, C11 and C++11 clean, wf_ symbols only,
# with gcc and with clang (installed here when missing, so a fresh machine
# checks both).
check: deps | $(B)
	@sh mk/deps.sh cmd:clang=clang cmd:clang++=clang
	@sh mk/check.sh

test: deps
	@fail=""; \
	for s in $(TEST_SUITES); do \
	  echo "== $$s"; \
	  $(MAKE) --no-print-directory $$s || fail="$$fail $$s"; \
	done; \
	if [ -z "$$fail" ]; then echo "make test: all passed ($(TEST_SUITES))"; \
	else echo "make test: FAILED:$$fail"; exit 1; fi

clean:
	rm -rf $(B)

# Fragments: integration tests of reads/writes/auth, benchmarks, fuzzing and
# leak checks, mbedTLS 3.6, distribution.
-include mk/*.mk

# The fragments' suites that make test runs too.
TEST_SUITES += itests examples dist-test
