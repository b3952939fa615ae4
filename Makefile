# libjobmatch: the hand-written, non-recursive top-level Makefile. It generates and runs
# configure itself on a fresh clone. Targets: all check install uninstall clean bench demo fuzz
# update-exports.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:
.SECONDARY:

# B is the build folder; "make check" also builds everything again in build-san with sanitizers.
B ?= build
SANITIZE ?=

# Before configure or a compiler runs, the Debian packages the goals need (build-aux/deps.sh, once
# per command, not in sub-makes or make -n). Status 10: it installed some, so configure runs again
# to find them.
ifeq ($(MAKELEVEL)$(MAKE_RESTARTS)$(findstring n,$(firstword -$(MAKEFLAGS))),0)
JM_DEPS := $(shell build-aux/deps.sh $(or $(MAKECMDGOALS),all) >&2; echo $$?)
ifeq ($(JM_DEPS),10)
$(shell rm -f config.mk)
else ifneq ($(JM_DEPS),0)
$(error build-aux/deps.sh: missing Debian packages, see above)
endif
endif

-include config.mk

config.mk: configure config.mk.in
	./configure $(CONFIGURE_FLAGS)

configure: configure.ac
	autoconf

PREFIX ?= $(or $(prefix),/usr/local)
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

VERSION := $(shell sed -n 's/^\#define JM_VERSION_STR "\(.*\)"/\1/p' include/jobmatch/version.h)
SOVERSION := 0

ifeq ($(CONFIG_DEBUG),yes)
OPT ?= -O0 -g3
else
OPT ?= -O2 -g
endif
ifneq ($(filter yes,$(SANITIZE) $(CONFIG_SANITIZE)),)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
ifeq ($(TSAN),yes)
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
        -Wformat=2 -Wvla
CPPFLAGS_ALL := -Iinclude -D_POSIX_C_SOURCE=200809L $(CPPFLAGS)
CFLAGS_ALL := -std=c11 $(WARN) $(OPT) $(SANFLAGS) $(CFLAGS_USER) $(CFLAGS)
LDFLAGS_ALL := $(SANFLAGS) $(LDFLAGS_USER) $(LDFLAGS)
DEPFLAGS := -MMD -MP
LIB_CFLAGS := -fPIC -fvisibility=hidden -DJM_BUILDING -Ilibjobmatch $(CJSON_CFLAGS) $(XXHASH_CFLAGS)
# What linking libjobmatch needs (the shared library's own link, and the static library's users;
# jobmatch.pc says the same). xxhash is inlined: nothing to link.
LIB_SYSLIBS := -lm -lpthread -ldl
LIB_LIBS := $(CJSON_LIBS) $(LIB_SYSLIBS)
# The exact list of exported names (make update-exports rewrites it from the JM_EXTERN symbols).
EXPORTS := libjobmatch/libjobmatch.map

# Programs land in cli/ for the default build, in $(B)/cli otherwise.
BIN := $(if $(filter build,$(B)),cli,$(B)/cli)

LIB_SRC := $(sort $(wildcard libjobmatch/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/report_page.o
# The HTML report's script and style sheet, kept as files and compiled in as strings.
PAGE_ASSETS := libjobmatch/report_page.js libjobmatch/report_page.css
SHLIB := $(B)/lib/libjobmatch.so.$(VERSION)
STLIB := $(B)/lib/libjobmatch.a
TOOLS := $(patsubst cli/%.c,%,$(sort $(wildcard cli/jm-*.c)))
TOOL_BINS := $(TOOLS:%=$(BIN)/%)
CLI_COMMON_OBJ := $(B)/cli/common.o
CLI_PLUGIN_OBJ := $(B)/cli/plugin_cli.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
UNIT_HELPER_OBJ := $(B)/tests/unit/testutil.o
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/tests/%-replay)
EXAMPLE_SRC := $(sort $(wildcard examples/*.c))
HEADERS := $(wildcard include/jobmatch/*.h)
VOCAB_DATA := libjobmatch/data
# Programs configure found (config.mk), for the build steps that run them.
PYTHON := $(or $(JM_PYTHON),python3)
CLANG := $(or $(JM_CLANG),clang)
TEST_DEFS := -DJM_TEST_DATA='"$(CURDIR)/tests/data"' -DJM_SRCDIR='"$(CURDIR)"' \
             -DJM_VOCAB_DATA='"$(CURDIR)/$(VOCAB_DATA)"'

.PHONY: all lib tools check check-unit check-cli check-fuzz check-symbols check-examples check-sql \
        check-san check-tsan check-valgrind install uninstall clean distclean bench demo fuzz \
        update-exports

all: lib tools
lib: $(SHLIB) $(STLIB)
tools: $(TOOL_BINS)

# Each object depends on the headers it includes (-MMD -MP writes them to its .d file).
-include $(wildcard $(B)/*/*.d $(B)/*/*/*.d)

# The generator's vocabulary, compiled from its JSON inputs (the C file is committed).
libjobmatch/vocab_data.c: build-aux/vocab2c.py $(VOCAB_DATA)/seed-vocab.json \
                          $(VOCAB_DATA)/vocab-weights.json
	$(PYTHON) build-aux/vocab2c.py

$(B)/libjobmatch/%.o: libjobmatch/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(LIB_CFLAGS) $(CFLAGS_ALL) $(DEPFLAGS) -c -o $@ $<

$(B)/gen/report_page.c: $(PAGE_ASSETS) build-aux/embed.sh
	@mkdir -p $(@D)
	PYTHON=$(PYTHON) build-aux/embed.sh $(PAGE_ASSETS) > $@

$(B)/gen/report_page.o: $(B)/gen/report_page.c config.mk
	$(CC) $(CPPFLAGS_ALL) $(LIB_CFLAGS) $(CFLAGS_ALL) -c -o $@ $<

$(SHLIB): $(LIB_OBJ) $(EXPORTS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libjobmatch.so.$(SOVERSION) -Wl,--no-undefined \
	    -Wl,--version-script=$(EXPORTS) $(LDFLAGS_ALL) -o $@ $(LIB_OBJ) $(LIB_LIBS)
	ln -sf libjobmatch.so.$(VERSION) $(B)/lib/libjobmatch.so.$(SOVERSION)
	ln -sf libjobmatch.so.$(SOVERSION) $(B)/lib/libjobmatch.so

$(STLIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

# The tools use only the public API; they link the static library so they run from the tree.
$(B)/cli/%.o: cli/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(DEPFLAGS) -c -o $@ $<

$(BIN)/jm-%: $(B)/cli/jm-%.o $(CLI_COMMON_OBJ) $(CLI_PLUGIN_OBJ) $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter-out $(STLIB),$^) $(HOST_LIB) $(LIB_LIBS)

# ---- plugins (docs/PLUGINS.md) ----------------------------------------------------------------
# Modules are built into $(PLUGIN_DIR), stamped as a build tree's so that programs run from the
# tree find them uninstalled. They take libjobmatch's jm_ functions from the program that loads
# them: programs linked with the static library link all of it and export those ($(HOST_LIB)).
PLUGIN_DIR := $(B)/plugins
PLUGIN_INSTALL_DIR := $(LIBDIR)/jobmatch/plugins
PLUGIN_STAMP := $(PLUGIN_DIR)/.jobmatch-build-tree
HOST_LIB := -Wl,--export-dynamic-symbol='jm_*' -Wl,--whole-archive $(STLIB) -Wl,--no-whole-archive
PLUGIN_CFLAGS := -fPIC -fvisibility=hidden
# The modules make install installs (those whose libraries configure found).
INSTALL_PLUGINS :=
TEST_PLUGIN := $(PLUGIN_DIR)/jm-test.so
BAD_PLUGINS := $(B)/tests/plugins/jm-badabi.so $(B)/tests/plugins/jm-badsize.so

$(B)/libjobmatch/plugin_load.o: LIB_CFLAGS += -DJM_PLUGIN_DIR='"$(PLUGIN_INSTALL_DIR)"'

$(PLUGIN_STAMP):
	@mkdir -p $(@D)
	touch $@

$(TEST_PLUGIN): tests/plugins/test_plugin.c $(HEADERS) config.mk | $(PLUGIN_STAMP)
	$(CC) $(CPPFLAGS_ALL) $(PLUGIN_CFLAGS) $(CFLAGS_ALL) -shared $(LDFLAGS_ALL) -o $@ $<

$(B)/tests/plugins/jm-bad%.so: tests/plugins/bad_plugin.c $(HEADERS) config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(PLUGIN_CFLAGS) $(if $(filter abi,$*),-DBAD_ABI,-DBAD_SIZE) $(CFLAGS_ALL) \
	    -shared $(LDFLAGS_ALL) -o $@ $<

# ---- the PostgreSQL module (libjobmatch/plugins/pg/, docs/POSTGRESQL.md) ----------------------
# jm-pg.so is the only file that links libpq; it is built when configure found libpq. It carries
# sql/schema.sql, to load into a database that lacks it. check-pg runs its tests (tests/pg/) on
# a server of their own; bench-pg measures loading (docs/PERFORMANCE.md).
PG_PLUGIN := $(PLUGIN_DIR)/jm-pg.so
PG_PLUGIN_SRC := $(sort $(wildcard libjobmatch/plugins/pg/*.c))
PG_SCHEMA_C := $(B)/plugins/pg/schema_sql.c
PG_DRIVER := $(B)/tests/pg/pg-driver
.PHONY: check-pg bench-pg
ifneq ($(strip $(PQ_LIBS)),)
all: $(PG_PLUGIN)
INSTALL_PLUGINS += $(PG_PLUGIN)
check-pg: tools $(PG_PLUGIN) $(PG_DRIVER)
	JM_BIN=$(CURDIR)/$(BIN) JM_PG_DRIVER=$(CURDIR)/$(PG_DRIVER) tests/pg/check-pg.sh
bench-pg: tools $(PG_PLUGIN) $(PG_DRIVER)
	JM_BIN=$(CURDIR)/$(BIN) JM_PG_DRIVER=$(CURDIR)/$(PG_DRIVER) build-aux/bench-pg.sh
else
check-pg bench-pg:
	@echo "$@: skipped: configure found no libpq (Debian: apt-get install libpq-dev)"
endif

$(PG_SCHEMA_C): sql/schema.sql
	@mkdir -p $(@D)
	{ echo '/* sql/schema.sql as a C string, made by make. */'; \
	  echo 'extern const char jm__pg_schema_sql[];'; echo 'const char jm__pg_schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; echo ';'; } > $@

$(PG_PLUGIN): $(PG_PLUGIN_SRC) $(PG_SCHEMA_C) $(wildcard libjobmatch/plugins/pg/*.h) $(HEADERS) \
              config.mk | $(PLUGIN_STAMP)
	$(CC) $(CPPFLAGS_ALL) $(PQ_CFLAGS) $(PLUGIN_CFLAGS) $(CFLAGS_ALL) -shared $(LDFLAGS_ALL) \
	    -o $@ $(PG_PLUGIN_SRC) $(PG_SCHEMA_C) $(PQ_LIBS) -lm

$(PG_DRIVER): tests/pg/pg_driver.c $(HEADERS) $(STLIB) config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(HOST_LIB) $(LIB_LIBS)


# ---- tests ---------------------------------------------------------------------------------
$(B)/tests/unit/%.o: tests/unit/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) -Ilibjobmatch $(TEST_DEFS) $(CHECK_CFLAGS) $(CJSON_CFLAGS) $(CFLAGS_ALL) \
	    -Wno-missing-prototypes $(DEPFLAGS) -c -o $@ $<

$(B)/tests/test_%: $(B)/tests/unit/test_%.o $(UNIT_HELPER_OBJ) $(STLIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter-out $(STLIB),$^) $(HOST_LIB) $(CHECK_LIBS) $(LIB_LIBS)

$(B)/tests/fuzz/%.o: tests/fuzz/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Wno-missing-prototypes $(DEPFLAGS) -c -o $@ $<

$(B)/tests/fuzz_%-replay: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay_main.o $(STLIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIB_LIBS)

check: all check-unit check-cli check-fuzz check-symbols check-examples check-sql check-pg check-san check-tsan
	@echo "make check: all suites passed"

check-unit: $(UNIT_BINS) $(TEST_PLUGIN) $(BAD_PLUGINS)
	@JM_BUILD_DIR=$(B) build-aux/run-unit-tests.sh $(UNIT_BINS)

check-cli: tools lib $(TEST_PLUGIN)
	JM_BIN=$(CURDIR)/$(BIN) build-aux/run-cli-tests.sh tests/cli

# The SQL schema and views on a throwaway PostgreSQL server, against jm-report's figures.
check-sql: tools
	JM_BIN=$(CURDIR)/$(BIN) tests/sql/check-schema.sh

check-fuzz: $(FUZZ_REPLAY_BINS)
	@for f in $(FUZZ_REPLAY_BINS); do \
	    name=$${f##*/}; name=$${name%-replay}; name=$${name#fuzz_}; \
	    $$f tests/fuzz/corpus/$$name/* || exit 1; done

# The shared library exports exactly the names of $(EXPORTS), which are the JM_EXTERN ones.
check-symbols: $(SHLIB)
	build-aux/check-symbols.sh $(EXPORTS) $(SHLIB) $(LIB_OBJ)

# After adding or removing a public function: rewrites $(EXPORTS) from the objects' JM_EXTERN
# symbols (review the diff: a name that goes breaks the ABI).
update-exports: $(LIB_OBJ)
	build-aux/check-symbols.sh --update $(EXPORTS) $(LIB_OBJ)

check-examples: $(STLIB)
	build-aux/check-examples.sh $(B)

# The whole unit and CLI suites again, built with AddressSanitizer and UBSan.
check-san:
	$(MAKE) B=build-san SANITIZE=yes check-unit check-cli check-fuzz

# The suites that run threads, under ThreadSanitizer. setarch -R: TSan needs the classic layout.
THREADED_SUITES := test_writer test_matcher test_gen test_ownership
check-tsan:
	$(MAKE) B=build-tsan TSAN=yes $(THREADED_SUITES:%=build-tsan/tests/%)
	@for t in $(THREADED_SUITES); do setarch -R build-tsan/tests/$$t || exit 1; done

check-valgrind: all $(UNIT_BINS)
	build-aux/run-valgrind.sh $(B)

# libFuzzer builds of the harnesses (clang), for long runs by hand: build/fuzz/fuzz_<name>.
fuzz: $(FUZZ_SRC) $(B)/gen/report_page.c
	@mkdir -p $(B)/fuzz
	@for s in $(FUZZ_SRC); do n=$${s##*/}; n=$${n%.c}; \
	    echo "clang $$n"; $(CLANG) $(CPPFLAGS_ALL) -Ilibjobmatch $(CJSON_CFLAGS) -g -O1 \
	    -fsanitize=fuzzer,address,undefined $$s $(LIB_SRC) $(B)/gen/report_page.c -o $(B)/fuzz/$$n $(LIB_LIBS) || exit 1; done

bench: all
	build-aux/bench.sh

demo: all
	build-aux/demo.sh

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/jobmatch \
	    $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/jobmatch/
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libjobmatch.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libjobmatch.so.$(SOVERSION)
	ln -sf libjobmatch.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libjobmatch.so
	install -m 644 $(STLIB) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@prefix@|$(PREFIX)|' -e 's|@libdir@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@includedir@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|' -e 's|@LIBS_PRIVATE@|$(LIB_SYSLIBS)|' \
	    build-aux/jobmatch.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/jobmatch.pc
	install -m 755 $(TOOL_BINS) $(DESTDIR)$(BINDIR)/
	for m in $(wildcard docs/man/*.1); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/; done
	install -d $(DESTDIR)$(PLUGIN_INSTALL_DIR)
	$(if $(INSTALL_PLUGINS),install -m 755 $(INSTALL_PLUGINS) $(DESTDIR)$(PLUGIN_INSTALL_DIR)/)

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libjobmatch.* $(DESTDIR)$(LIBDIR)/pkgconfig/jobmatch.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/jobmatch
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) $(TOOLS:%=$(DESTDIR)$(MANDIR)/man1/%.1)
	rm -f $(INSTALL_PLUGINS:$(PLUGIN_DIR)/%=$(DESTDIR)$(PLUGIN_INSTALL_DIR)/%)
	-rmdir $(DESTDIR)$(PLUGIN_INSTALL_DIR) $(DESTDIR)$(LIBDIR)/jobmatch 2>/dev/null

clean:
	rm -rf build build-san build-tsan $(TOOLS:%=cli/%)

distclean: clean
	rm -rf config.mk config.log config.status configure configure~ autom4te.cache
