# SPDX-License-Identifier: MIT
# berth — build, test and run. See README.md: `make run` and `make check` are the whole set-up.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/berth
DOCDIR ?= $(PREFIX)/share/doc/berth
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CC ?= cc
# berth itself does not link libvirt: src/vm/virt.c loads it on first use (dlopen), so that
# container commands start without it. Unit tests that build libvirt objects link it.
PKGS := ncursesw libseccomp json-c
# Libraries linked as shared objects (their static builds pull in long dependency chains), one
# list per area so that each area's build needs stay in one line.
DYN_PKGS_IMAGE :=
DYN_PKGS_NET :=
# Networks: libnl-route-3 and libnftables are loaded with dlopen on first use (src/ctr/net/dl.c,
# as libvirt is): headers only here, so that commands without a network do not map them.
DLOPEN_PKGS_NET := libnl-route-3.0 libnftables
DYN_PKGS := $(strip $(DYN_PKGS_IMAGE) $(DYN_PKGS_NET))
DYN_LIBS = $(if $(DYN_PKGS),$(shell pkg-config --libs $(DYN_PKGS) 2>/dev/null))
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(DYN_PKGS) $(DLOPEN_PKGS_NET) libvirt 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(DYN_LIBS)
VIRT_LIBS = $(shell pkg-config --libs libvirt 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-Wcast-qual -Wpointer-arith -Wwrite-strings -Wundef -Wnull-dereference \
	-Wimplicit-fallthrough -Wno-missing-field-initializers
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif
CFLAGS ?= -O2 -g
BERTH_CPPFLAGS := -Isrc -D_GNU_SOURCE -DBERTH_VERSION='"$(VERSION)"' -DBERTH_DATADIR='"$(DATADIR)"'
BERTH_CFLAGS := -std=gnu11 $(WARN) -pthread -MMD -MP
LIBS := $(PKG_LIBS) -pthread -lm -lutil -ldl
# The binary links those three libraries statically (Debian's -dev packages ship the .a files)
# and binds every symbol at start. A container start forks berth and clones the init: fewer
# mappings make each fork cheaper, and no child pays for lazy symbol lookups; about 2 ms of a
# 30 ms `ctr run` (docs/BENCHMARKS.md). STATIC=0 links them as shared objects.
STATIC ?= 1
ifeq ($(STATIC),1)
BIN_LIBS = -Wl,-z,now -Wl,-Bstatic $(filter-out -ldl,$(shell pkg-config --libs --static $(PKGS) \
	2>/dev/null)) -Wl,-Bdynamic $(DYN_LIBS) -pthread -lm -lutil -ldl
else
BIN_LIBS = $(LIBS)
endif

B ?= build
SRCS := $(sort $(shell find src -name '*.c' ! -path src/main.c))
OBJS := $(SRCS:%.c=$(B)/%.o)
MAIN_OBJ := $(B)/src/main.o
LIB := $(B)/libberth.a
BIN ?= berth

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
# Man pages: scdoc sources next to the code (docs/man/*.scd), rendered into $(B)/man/.
MAN_SRCS := $(sort $(wildcard docs/man/*.scd))
MANS := $(MAN_SRCS:docs/man/%.scd=$(B)/man/%)
THEMES := $(sort $(wildcard themes/*))

.PHONY: all deps deps-test run check unit integration tui guest san format format-check fuzz bench \
	install uninstall man clean cycles oci-conformance FORCE

all: $(BIN)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BERTH_CPPFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(BERTH_CFLAGS) $(CFLAGS) -c -o $@ $<

# The themes' directory is compiled in (BERTH_DATADIR): a build for another PREFIX or DATADIR
# rebuilds the one object that uses it.
$(B)/src/ui/tui/theme.o: $(B)/datadir.stamp
$(B)/datadir.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@

$(B)/man/%: docs/man/%.scd
	@mkdir -p $(dir $@)
	scdoc <$< >$@.tmp && mv $@.tmp $@

man: $(MANS)

$(LIB): $(OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(MAIN_OBJ) $(LIB)
	$(CC) $(BERTH_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(BIN_LIBS) $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(BERTH_CPPFLAGS) $(CPPFLAGS) -Itests/unit $(PKG_CFLAGS) $(BERTH_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS) $(VIRT_LIBS) -lcmocka $(LDLIBS)

# No file under src/ reaches back to itself through calls: no two files call each other, nor
# any longer loop (scripts/check-cycles.sh reads the symbols of the current sources' objects).
cycles: $(OBJS)
	@B=$(B) scripts/check-cycles.sh --all $(OBJS)

deps:
	@scripts/install-deps.sh build run

deps-test:
	@scripts/install-deps.sh test

# A new user's first command: install what is missing, build, open berth on the default.
run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) $(ARGS)

# Every test suite; fails on any failure. Its output ends with the runners' summaries.
check: deps-test
	@$(MAKE) --no-print-directory all $(UNIT_BINS)
	@$(MAKE) --no-print-directory cycles
	@BERTH_BIN=$(CURDIR)/$(BIN) B=$(B) scripts/run-tests.sh $(UNIT_BINS)

unit: $(UNIT_BINS)
	@BERTH_BIN=$(CURDIR)/$(BIN) SUITES=unit scripts/run-tests.sh $(UNIT_BINS)

integration: all
	@BERTH_BIN=$(CURDIR)/$(BIN) SUITES=integration scripts/run-tests.sh

tui: all
	@BERTH_BIN=$(CURDIR)/$(BIN) SUITES=tui scripts/run-tests.sh

# The container checks inside QEMU guests, one per cgroup layout (docs/TESTING-GUESTS.md).
guest: all
	@BERTH_BIN=$(CURDIR)/$(BIN) SUITES=guest scripts/run-tests.sh

# The same suites under AddressSanitizer + UndefinedBehaviorSanitizer. berth-san links libvirt
# at start: ASan's interceptors (libtirpc's xdr_* among them) resolve only libraries loaded
# before it initialises, and a libvirt loaded later by dlopen would call through a NULL one.
san: deps-test
	@$(MAKE) --no-print-directory B=build-san BIN=berth-san \
		CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" LDLIBS="-Wl,--no-as-needed $(VIRT_LIBS)" check

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h') && echo "format-check: ok"

# libFuzzer targets, each run for FUZZ_SECONDS (default 20) over its corpus in tests/fuzz/.
FUZZ_SECONDS ?= 20
fuzz:
	@scripts/install-deps.sh fuzz
	@scripts/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_SRCS)

bench: all
	@scripts/install-deps.sh bench
	@for b in bench/*/run.sh; do echo "== $$b"; $$b || exit 1; done

# berth on PATH, its man pages, bash and zsh completion, the themes (looked up in DATADIR/themes)
# and the docs. PREFIX and DESTDIR as usual; the binary must be built with the same PREFIX.
install: all man
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/berth
	ln -sf berth $(DESTDIR)$(BINDIR)/berth-oci
	install -d $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DOCDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(THEMES) $(DESTDIR)$(DATADIR)/themes/
	install -m 0644 $(MANS) $(DESTDIR)$(MANDIR)/man1/
	install -D -m 0644 completions/berth.bash $(DESTDIR)$(BASHCOMPDIR)/berth
	install -D -m 0644 completions/_berth $(DESTDIR)$(ZSHCOMPDIR)/_berth
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/

# Removes what install put there (and the directories of berth's own that are left empty).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/berth $(DESTDIR)$(BINDIR)/berth-oci $(DESTDIR)$(BASHCOMPDIR)/berth $(DESTDIR)$(ZSHCOMPDIR)/_berth
	rm -f $(MANS:$(B)/man/%=$(DESTDIR)$(MANDIR)/man1/%) $(THEMES:%=$(DESTDIR)$(DATADIR)/%)
	rm -f $(DESTDIR)$(DOCDIR)/README.md $(patsubst docs/%,$(DESTDIR)$(DOCDIR)/%,$(wildcard docs/*.md))
	-rmdir $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build build-san berth berth-san berth-oci

# The OCI runtime-tools validation suite against berth-oci, then crun and runc for comparison
# (slow: not part of check). docs/OCI.md.
oci-conformance: all
	@scripts/install-deps.sh test
	@scripts/oci-conformance.sh

-include $(OBJS:.o=.d) $(MAIN_OBJ:.o=.d)
