# owi - customer-service mail automation, a Unix toolchain in C.
# GNU make; no configure step: flags come from pkg-config.

VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/owi
DESTDIR ?=
PKG_CONFIG ?= pkg-config
BUILD ?= build

PKGS = gmime-3.0 json-c libcurl yaml-0.1 libpcre2-8 libutf8proc libcrypto
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lstemmer -lm

CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Werror
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DOWI_VERSION='"$(VERSION)"' \
	-DOWI_DATA_DIR='"$(DATADIR)"' -DOWI_RULES_DIR='"$(DATADIR)/rules.d"' $(WARN) \
	-Icommon $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
LIBS = $(PKG_LIBS) $(LDLIBS)

PROGS = owi-parse owi-classify owi-train owi-extract owi-shop owi-route
SEED = $(sort $(wildcard data/seed/*.jsonl))
RULES = $(sort $(wildcard rules.d/*.yaml))
TEMPLATES = $(sort $(wildcard rules.d/templates/*))
LIB_SRC = $(wildcard common/*.c)
LIB_OBJ = $(LIB_SRC:common/%.c=$(BUILD)/common/%.o)
HELPERS = $(patsubst tests/helper/%.c,$(BUILD)/tests/helper/%,$(wildcard tests/helper/*.c))
MAN1 = $(wildcard man/*.1)
MAN5 = $(wildcard man/*.5)
MAN7 = $(wildcard man/*.7)

SAN = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

.PHONY: all check check-asan test bench demo deps eval install uninstall clean lint-man fuzz

all: $(PROGS:%=$(BUILD)/%) $(BUILD)/model.owim

# The default model, learned from the seed corpus.
$(BUILD)/model.owim: $(BUILD)/owi-train $(SEED) $(RULES)
	$(BUILD)/owi-train -r rules.d -o $@ $(SEED)

$(BUILD)/common/%.o: common/%.c $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libowi.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/%: cmd/%.c $(BUILD)/libowi.a $(wildcard common/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libowi.a $(LIBS)

$(BUILD)/tests/helper/%: tests/helper/%.c $(BUILD)/libowi.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libowi.a $(LIBS)

$(BUILD)/bench/floor: bench/floor.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBS)

deps:
	./scripts/deps

# The quality figures, each on data the model or rules never learned from:
# the classifier (nested k-fold), the extractor, and the whole chain's
# routing (automation rate beside its precision, folder accuracy).
eval: all
	$(BUILD)/owi-train -r rules.d -e $(SEED)
	@echo
	$(BUILD)/owi-extract -r rules.d -e data/extract/labelled.jsonl
	@echo
	$(BUILD)/owi-parse data/route/mail | \
	    $(BUILD)/owi-classify -r rules.d -m $(BUILD)/model.owim | \
	    $(BUILD)/owi-extract -r rules.d | \
	    $(BUILD)/owi-shop -r rules.d -f data/route/shop.json | \
	    $(BUILD)/owi-route -r rules.d -e data/route/labels.jsonl
	@echo
	@echo "held out (written blind to the rules, never tuned on):"
	$(BUILD)/owi-parse data/route/holdout/mail | \
	    $(BUILD)/owi-classify -r rules.d -m $(BUILD)/model.owim | \
	    $(BUILD)/owi-extract -r rules.d | \
	    $(BUILD)/owi-shop -r rules.d -f data/route/shop.json | \
	    $(BUILD)/owi-route -r rules.d -e data/route/holdout/labels.jsonl

# The test command of the README: dependencies, build, every bats suite.
check: deps
	$(MAKE) all helpers
	BUILD=$(abspath $(BUILD)) tests/run

helpers: $(HELPERS)

# The same suite under AddressSanitizer and UBSan; leaks are fatal.
check-asan: deps
	$(MAKE) BUILD=build-asan CFLAGS="$(SAN)" LDFLAGS="-fsanitize=address,undefined" all helpers
	BUILD=$(abspath build-asan) OWI_SANITIZED=1 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run

bench: deps
	$(MAKE) all $(BUILD)/bench/floor
	bench/run $(abspath $(BUILD))

demo: deps
	$(MAKE) all
	BUILD=$(abspath $(BUILD)) examples/demo

# libFuzzer entry points (clang): the MIME parser, the JSON Lines reader,
# the rules loader.  Run e.g. build-fuzz/fuzz-mime -max_total_time=60.
FUZZ = $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/*.c))
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libowi.a
	$(MAKE) BUILD=build-fuzz CC=clang $(FUZZ)

build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c build-fuzz/libowi.a
	clang $(ALL_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $< build-fuzz/libowi.a $(LIBS)

lint-man:
	mandoc -Tlint -Wwarning $(MAN1) $(MAN5) $(MAN7)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(PROGS:%=$(BUILD)/%) $(DESTDIR)$(BINDIR)
	install -d $(DESTDIR)$(DATADIR)/rules.d
	install -m 644 $(RULES) $(DESTDIR)$(DATADIR)/rules.d
	install -d $(DESTDIR)$(DATADIR)/rules.d/templates
	install -m 644 $(TEMPLATES) $(DESTDIR)$(DATADIR)/rules.d/templates
	install -m 644 $(BUILD)/model.owim $(DESTDIR)$(DATADIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	$(if $(MAN5),install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5)
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(RULES:%=$(DESTDIR)$(DATADIR)/%) $(DESTDIR)$(DATADIR)/model.owim
	rm -f $(TEMPLATES:%=$(DESTDIR)$(DATADIR)/%)
	-rmdir $(DESTDIR)$(DATADIR)/rules.d/templates $(DESTDIR)$(DATADIR)/rules.d \
		$(DESTDIR)$(DATADIR)
	rm -f $(MAN1:man/%=$(DESTDIR)$(MANDIR)/man1/%)
	rm -f $(MAN5:man/%=$(DESTDIR)$(MANDIR)/man5/%)
	rm -f $(MAN7:man/%=$(DESTDIR)$(MANDIR)/man7/%)

clean:
	rm -rf build build-asan build-fuzz
