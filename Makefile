# kith - build, test, run, bench. See README.md.
#   make          build ./kith (optimised)
#   make test     install deps, build with ASan+UBSan, run unit and end-to-end tests
#   make run      install deps, build, create ./kith.db with demo data, serve on 127.0.0.1:8080
#   make bench    benchmarks; prints a table and writes bench/results-<date>.md
#   make deps     install missing Debian packages (idempotent)
#   make install  install ./kith as $(DESTDIR)$(PREFIX)/bin/kith (PREFIX=/usr/local)
#   make uninstall  remove it again
#   make CC=clang works for every target.

CC ?= cc
PKGS := sqlite3 libmicrohttpd jansson libsodium
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=c17 -D_DEFAULT_SOURCE $(WARN) -Isrc -I. -MMD -MP
OPT ?= -O2 -g
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRCS := $(wildcard src/*.c src/*/*.c)
ASMS := src/store/migrations.S src/http/openapi_docs.S
LIB_SRCS := $(filter-out src/main.c,$(SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
MIGRATIONS := $(wildcard src/store/migrations/*.sql)
OPENAPI_DOCS := $(wildcard docs/openapi/*.json)

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

.PHONY: all deps test unit e2e_serial run bench clean install uninstall
all: kith

deps:
	@./scripts/install-deps

kith: $(REL_OBJS)
	$(CC) $(OPT) -o $@ $^ $(PKG_LIBS) -lpthread

$(REL)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(OPT) $(PKG_CFLAGS) -c -o $@ $<

$(REL)/%.o: %.S $(MIGRATIONS) $(OPENAPI_DOCS)
	@mkdir -p $(@D)
	$(CC) -I. -c -o $@ $<

$(TST)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O1 -g $(SAN) $(PKG_CFLAGS) -c -o $@ $<

$(TST)/%.o: %.S $(MIGRATIONS) $(OPENAPI_DOCS)
	@mkdir -p $(@D)
	$(CC) -I. -c -o $@ $<

$(TST)/kith: $(TST_OBJS)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) -lpthread

$(TST)/unit: $(TST_LIB_OBJS) $(UNIT_OBJS)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) -lcriterion -lpthread

unit: $(TST)/unit
	ASAN_OPTIONS=detect_leaks=1 $(TST)/unit --jobs 2

test: deps
	$(MAKE) unit
	$(MAKE) e2e_serial

e2e_serial: $(TST)/kith
	KITH_BIN=$(CURDIR)/$(TST)/kith bats tests/e2e

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

-include $(shell find build -name '*.d' 2>/dev/null)
