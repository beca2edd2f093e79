# kith - build, test, run, bench. See README.md.
#   make          build ./kith (optimised)
#   make test     check the layers, install deps, build with ASan+UBSan, run every suite
#                 on SQLite and on a throwaway PostgreSQL, side by side (see test: below)
#   make unit / unit-pg / e2e / e2e-pg / fuzz-check   one suite (unit-pg, e2e-pg: PostgreSQL)
#   make check-layers  includes point down the layers, domain modules form no cycle
#   make run      install deps, build, create ./kith.db with demo data, serve on 127.0.0.1:8080
#   make bench    benchmarks; prints a table and writes bench/results-<date>.md
#   make deps     install missing Debian packages (idempotent)
#   make install  install ./kith as $(DESTDIR)$(PREFIX)/bin/kith (PREFIX=/usr/local)
#   make uninstall  remove it again
#   make fuzz     run every libFuzzer target for FUZZ_SECONDS (default 60) each
#   make CC=clang works for every target.

CC ?= cc
PKGS := sqlite3 libpq libmicrohttpd jansson libsodium icu-uc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=c17 -D_DEFAULT_SOURCE $(WARN) -Isrc -I. -MMD -MP
OPT ?= -O2 -g
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# The test and fuzz builds hash passwords at libsodium's minimum cost
# (src/core/user.c): the tests add hundreds of users. Never in the release build.
TEST_DEFS := -DKITH_PWHASH_MIN

SRCS := $(wildcard src/*.c src/*/*.c)
ASMS := src/store/migrations.S src/http/openapi_docs.S src/web/assets.S
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
MIGRATIONS := $(wildcard src/store/migrations/*.sql)
OPENAPI_DOCS := $(wildcard docs/openapi/*.json)
WEB_ASSETS := $(wildcard src/web/assets/*)

# Objects of different compilers never mix: clang builds into its own trees.
FLAVOR := $(if $(findstring clang,$(notdir $(CC))),-clang,)
REL := build/rel$(FLAVOR)
TST := build/test$(FLAVOR)
REL_OBJS := $(SRCS:%.c=$(REL)/%.o) $(ASMS:%.S=$(REL)/%.o)
TST_LIB_OBJS := $(LIB_SRCS:%.c=$(TST)/%.o) $(ASMS:%.S=$(TST)/%.o)
TST_OBJS := $(TST_LIB_OBJS) $(TST)/src/main.o
UNIT_OBJS := $(UNIT_SRCS:%.c=$(TST)/%.o)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin

.PHONY: all deps test test-suites unit unit-pg e2e e2e-pg e2e_serial run bench clean install uninstall check-layers
all: kith

deps:
	@./scripts/install-deps

kith: $(REL_OBJS)
	$(CC) $(OPT) -o $@ $^ $(PKG_LIBS) -lpthread

$(REL)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(OPT) $(PKG_CFLAGS) -c -o $@ $<

$(REL)/%.o: %.S $(MIGRATIONS) $(OPENAPI_DOCS) $(WEB_ASSETS)
	@mkdir -p $(@D)
	$(CC) -I. -c -o $@ $<

$(TST)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(TEST_DEFS) -O1 -g $(SAN) $(PKG_CFLAGS) -c -o $@ $<

$(TST)/%.o: %.S $(MIGRATIONS) $(OPENAPI_DOCS) $(WEB_ASSETS)
	@mkdir -p $(@D)
	$(CC) -I. -c -o $@ $<

$(TST)/kith: $(TST_OBJS)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) -lpthread

$(TST)/unit: $(TST_LIB_OBJS) $(UNIT_OBJS)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) -lcriterion -lpthread

# Every SQL statement of the program after its macros are pasted, for the
# census suite (tests/unit/test_census.c prepares each on both backends):
# scripts/sql-census preprocesses the sources with the flags above.
CENSUS_CPPFLAGS = $(filter -std=% -I% -D%,$(BASE_CFLAGS)) $(PKG_CFLAGS)
$(TST)/census.jsonl: scripts/sql-census $(SRCS) $(wildcard src/*.h src/*/*.h src/*/*.def)
	@mkdir -p $(@D)
	CC="$(CC)" ./scripts/sql-census -o $@ -- $(CENSUS_CPPFLAGS)

# Tests that need PostgreSQL (the pg suites, the census, tests/e2e/pg_*.bats)
# get a throwaway server from scripts/with-test-pg: one for all of `make test`.
unit: $(TST)/unit $(TST)/census.jsonl
	./scripts/with-test-pg env ASAN_OPTIONS=detect_leaks=1 KITH_CENSUS=$(TST)/census.jsonl \
		$(TST)/unit --jobs $(JOBS)

# The unit suite again with every fixture on PostgreSQL: a database per
# test, copied from one migrated once per server (tests/unit/fixture.h).
unit-pg: $(TST)/unit $(TST)/census.jsonl
	./scripts/with-test-pg env KITH_TEST_BACKEND=postgres ASAN_OPTIONS=detect_leaks=1 \
		KITH_CENSUS=$(TST)/census.jsonl $(TST)/unit --jobs $(JOBS)

# First, and fast (sh + awk, no build): the check's own tests, then the
# tree: every #include points down the layers (DESIGN.md), only adapters
# include a surface, and the domain modules form no cycle.
check-layers:
	@./tests/layers/run
	@./scripts/check-layers src

# make test: the layer check, then on one throwaway PostgreSQL (make deps
# installs it) every suite side by side, as many at once as there are
# cores (make -j, each suite's output in one piece when it ends; -k: a
# failing suite does not stop the others): fuzz-check, unit, unit-pg, e2e,
# e2e-pg. Each suite runs JOBS tests at a time as well.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
TEST_SUITES := fuzz-check unit unit-pg e2e e2e-pg
test: check-layers deps
	./scripts/with-test-pg $(MAKE) --no-print-directory -k -j$(JOBS) -Otarget test-suites

test-suites: $(TEST_SUITES)

# bats runs JOBS tests at a time with GNU parallel (make deps installs it),
# one at a time without it.
BATS := bats $(if $(shell command -v parallel 2>/dev/null),--jobs $(JOBS))

# The end-to-end suite (bats against the real binary), every test on a copy
# of an SQLite database made once (tests/e2e/setup_suite.bash).
e2e: $(TST)/kith
	KITH_BIN=$(CURDIR)/$(TST)/kith ./scripts/with-test-pg $(BATS) tests/e2e

# The same suite with every test's database on PostgreSQL (a copy of one
# database where kith init ran, per test). The files that make their own
# databases whatever the pass (the harness, pg_init, the census script) ran
# in the SQLite pass already.
E2E_PG_ONCE := pg_harness pg_init sql_census
E2E_PG_FILES := $(filter-out $(E2E_PG_ONCE:%=tests/e2e/%.bats),$(wildcard tests/e2e/*.bats))
e2e-pg: $(TST)/kith
	KITH_BIN=$(CURDIR)/$(TST)/kith KITH_E2E_BACKEND=postgres ./scripts/with-test-pg \
		$(BATS) $(E2E_PG_FILES)

e2e_serial: e2e

run: deps kith
	./scripts/run

bench: deps kith
	./bench/run

# The release build (never the sanitizer one) as $(BINDIR)/kith; DESTDIR
# stages it for packaging. Builds first, so `sudo make install` works after
# a plain checkout too.
install: kith
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 kith $(DESTDIR)$(BINDIR)/kith

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kith

clean:
	rm -rf build kith

# --- fuzzing (tests/fuzz/README.md) -----------------------------------------
# libFuzzer targets, one per parser of outside input, built with Debian's
# clang into build/fuzz: library objects with fuzzer-no-link coverage and
# ASan+UBSan, each tests/fuzz/fuzz_NAME.c linked with libFuzzer's main.
# `make fuzz` runs every target for FUZZ_SECONDS, keeping what it finds in
# build/fuzz/corpus/NAME; `make test` runs each for FUZZ_CHECK_SECONDS from
# the committed seeds alone (fuzz-check). A crash fails the run and leaves
# its input in build/fuzz/artifacts/NAME/.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 3
FUZZ := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# The test and fuzz builds hash passwords at libsodium's minimum cost
# (src/core/user.c): the tests add hundreds of users. Never in the release build.
TEST_DEFS := -DKITH_PWHASH_MIN
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ)/fuzz_%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ)/%.o) $(ASMS:%.S=$(FUZZ)/%.o)
# -close_fd_mask=3: what targets print (the CLI's tables and errors) goes to
# /dev/null; libFuzzer and the sanitizers still report on stderr.
FUZZ_RUN = -timeout=10 -close_fd_mask=3 -print_final_stats=0

.PHONY: fuzz fuzz-build fuzz-check
fuzz-build: $(FUZZ_BINS)

$(FUZZ)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE_CFLAGS) $(TEST_DEFS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c -o $@ $<

$(FUZZ)/%.o: %.S $(MIGRATIONS) $(OPENAPI_DOCS) $(WEB_ASSETS)
	@mkdir -p $(@D)
	$(FUZZ_CC) -I. -c -o $@ $<

$(FUZZ_BINS): $(FUZZ)/fuzz_%: $(FUZZ)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lpthread

# Each target from its committed seeds plus what earlier runs found; every
# target runs, then the names of those that failed are listed.
fuzz: deps $(FUZZ_BINS)
	@failed=""; for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ)/corpus/$$n $(FUZZ)/artifacts/$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
		$(FUZZ)/fuzz_$$n $(FUZZ_RUN) -max_total_time=$(FUZZ_SECONDS) \
			-artifact_prefix=$(FUZZ)/artifacts/$$n/ \
			$(FUZZ)/corpus/$$n tests/fuzz/corpus/$$n || failed="$$failed $$n"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: FAILED:$$failed (inputs in $(FUZZ)/artifacts/)"; exit 1; fi

# A short run of each target from the committed seeds (new inputs go to a
# scratch directory, inputs are not reduced), so CI catches regressions.
fuzz-check: deps $(FUZZ_BINS)
	@failed=""; for n in $(FUZZ_NAMES); do \
		rm -rf $(FUZZ)/check/$$n; mkdir -p $(FUZZ)/check/$$n $(FUZZ)/artifacts/$$n; \
		printf 'fuzz-check: %s ' $$n; \
		if $(FUZZ)/fuzz_$$n $(FUZZ_RUN) -max_total_time=$(FUZZ_CHECK_SECONDS) -reduce_inputs=0 \
			-artifact_prefix=$(FUZZ)/artifacts/$$n/ \
			$(FUZZ)/check/$$n tests/fuzz/corpus/$$n 2>$(FUZZ)/check/$$n.log; then \
			grep -o 'Done [0-9]* runs' $(FUZZ)/check/$$n.log || echo; \
		else \
			echo FAILED; tail -n 60 $(FUZZ)/check/$$n.log; failed="$$failed $$n"; \
		fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz-check: FAILED:$$failed (inputs in $(FUZZ)/artifacts/)"; exit 1; fi

-include $(shell find build -name '*.d' 2>/dev/null)
