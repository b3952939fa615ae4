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
CLI_COMMON_OBJ := $(B)/cli/common.o $(B)/cli/outfile.o $(B)/cli/read_ahead.o
CLI_PLUGIN_OBJ := $(B)/cli/plugin_cli.o $(B)/cli/source_loop.o $(B)/cli/kafka_cli.o
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
        check-docs check-san check-tsan check-valgrind install uninstall clean distclean bench demo fuzz \
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

# ---- the Kafka module (libjobmatch/plugins/kafka/, docs/KAFKA.md) ------------------------------
# jm-kafka.so is the only file that links librdkafka; it is built when configure found it.
# check-kafka-unit runs its tests on librdkafka's mock cluster (seconds, no broker); check-kafka
# its tests on a real Kafka broker (tests/kafka/broker.sh) with kcat as the independent client.
KAFKA_PLUGIN := $(PLUGIN_DIR)/jm-kafka.so
KAFKA_OBJ := $(patsubst %.c,$(B)/%.o,$(sort $(wildcard libjobmatch/plugins/kafka/*.c)))
KAFKA_MOCK_TEST := $(B)/tests/test_kafka_mock
KAFKA_DRIVER := $(B)/tests/kafka-driver
.PHONY: kafka check-kafka-unit check-kafka demo-live bench-kafka
ifneq ($(strip $(RDKAFKA_LIBS)),)
all: $(KAFKA_PLUGIN)
INSTALL_PLUGINS += $(KAFKA_PLUGIN)
kafka: $(KAFKA_PLUGIN) $(KAFKA_MOCK_TEST) $(KAFKA_DRIVER)
check-kafka-unit: $(KAFKA_MOCK_TEST)
	$(KAFKA_MOCK_TEST)
check-kafka: tools kafka
	JM_BUILD_DIR=$(B) JM_BIN=$(CURDIR)/$(BIN) tests/kafka/run-tests.sh
# The live pipeline through a local broker (build-aux/demo-live.sh); Ctrl-C stops it.
demo-live: tools $(KAFKA_PLUGIN)
	JM_BIN=$(CURDIR)/$(BIN) build-aux/demo-live.sh
# Producing and matching through a local broker beside kcat and files (also run by make bench).
bench-kafka: tools $(KAFKA_PLUGIN)
	JM_BIN=$(CURDIR)/$(BIN) build-aux/bench-kafka.sh
else
kafka check-kafka-unit check-kafka demo-live bench-kafka:
	@echo "$@: skipped: configure found no librdkafka (Debian: apt-get install librdkafka-dev)"
endif

$(B)/libjobmatch/plugins/kafka/%.o: libjobmatch/plugins/kafka/%.c libjobmatch/plugins/kafka/kafka.h \
                                    $(HEADERS) config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(RDKAFKA_CFLAGS) $(PLUGIN_CFLAGS) $(CFLAGS_ALL) -c -o $@ $<

$(KAFKA_PLUGIN): $(KAFKA_OBJ) | $(PLUGIN_STAMP)
	$(CC) -shared $(LDFLAGS_ALL) -o $@ $(KAFKA_OBJ) $(RDKAFKA_LIBS) -lpthread

$(B)/tests/kafka/%.o: tests/kafka/%.c libjobmatch/plugins/kafka/kafka.h tests/unit/testutil.h \
                      $(HEADERS) config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) -Ilibjobmatch/plugins/kafka -Itests/unit $(TEST_DEFS) $(CHECK_CFLAGS) \
	    $(RDKAFKA_CFLAGS) $(CFLAGS_ALL) -Wno-missing-prototypes -c -o $@ $<

# The mock test links the module's objects (to reach its internals) and librdkafka (to drive the
# mock cluster), and loads the built module once through the plugin API. Never installed.
$(KAFKA_MOCK_TEST): $(B)/tests/kafka/test_kafka_mock.o $(filter-out %/kafka_plugin.o,$(KAFKA_OBJ)) \
                    $(UNIT_HELPER_OBJ) $(STLIB) $(KAFKA_PLUGIN)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter %.o,$^) $(HOST_LIB) $(CHECK_LIBS) $(RDKAFKA_LIBS) \
	    $(LIB_LIBS) -lpthread

# The real-broker tests' host of the module: it links libjobmatch only, like the tools.
$(KAFKA_DRIVER): $(B)/tests/kafka/kafka-driver.o $(STLIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(HOST_LIB) $(LIB_LIBS)

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
	$(CC) $(CPPFLAGS_ALL) $(CJSON_CFLAGS) $(CFLAGS_ALL) -Wno-missing-prototypes $(DEPFLAGS) -c -o $@ $<

$(B)/tests/fuzz_%-replay: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay_main.o $(STLIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIB_LIBS) -lpthread

# make check runs its parts CHECK_JOBS at a time: the service tests mostly wait on their servers
# and valgrind is slow, so they overlap the suites that compute. Each part's output is shown whole
# when it ends (-O); -k runs every part, so one run names every failing one.
CHECK_PARTS := check-unit check-cli check-fuzz check-symbols check-examples check-docs check-sql \
               check-pg check-kafka-unit check-kafka check-python-installed check-spark check-san \
               check-tsan check-valgrind
CHECK_JOBS ?= 3
check: all
	@echo "make check: $(words $(CHECK_PARTS)) parts, $(CHECK_JOBS) at a time: $(CHECK_PARTS)"
	@$(MAKE) --no-print-directory -k -O -j$(CHECK_JOBS) $(CHECK_PARTS)
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

# The docs against the programs and headers: every --help option in its man page and the reverse
# (defaults and ranges alike), every public function in libjobmatch(3), no pointer to a document
# users lack, and the README's and man pages' example commands run (build-aux/check-docs.py).
check-docs: tools
	$(PYTHON) build-aux/check-docs.py --bin $(BIN)

# The whole unit and CLI suites again, built with AddressSanitizer and UBSan.
check-san:
	$(MAKE) B=build-san SANITIZE=yes check-unit check-cli check-fuzz check-kafka-unit

# The suites that run threads, under ThreadSanitizer. setarch -R: TSan needs the classic layout.
# The CLI cases run jm-match reading ahead and matching on 1 to 8 threads; a race report on
# stderr or TSan's exit status makes them differ from one thread.
THREADED_SUITES := test_writer test_matcher test_gen test_ownership
THREADED_CLI_CASES := match-threads match-threads-input
check-tsan:
	$(MAKE) B=build-tsan TSAN=yes $(THREADED_SUITES:%=build-tsan/tests/%) tools
	@for t in $(THREADED_SUITES); do setarch -R build-tsan/tests/$$t || exit 1; done
	@d=$$(mktemp -d) && for c in $(THREADED_CLI_CASES); do ln -s $(CURDIR)/tests/cli/$$c $$d/$$c; done; \
	  JM_BIN=$(CURDIR)/build-tsan/cli setarch -R build-aux/run-cli-tests.sh $$d; rc=$$?; rm -rf $$d; exit $$rc

check-valgrind: all $(UNIT_BINS) $(TEST_PLUGIN) $(BAD_PLUGINS) $(FUZZ_REPLAY_BINS)
	build-aux/run-valgrind.sh $(B)

# ---- fuzzing (docs/SECURITY.md) --------------------------------------------------------------
# make fuzz builds every harness with libFuzzer, ASan and UBSan (clang) into $(B)/fuzz/fuzz_<name>
# and runs each in turn for FUZZ_SECONDS (or FUZZ_RUNS executions), from a working corpus
# $(B)/fuzz/corpus/<name> seeded with tests/fuzz/corpus/<name>, with its dictionary. A crash
# stops it and is left as $(B)/fuzz/crash-<name>-*: add it to tests/fuzz/corpus/<name>/ with the
# fix, and make check replays it from then on. FUZZ_SECONDS=0 FUZZ_RUNS=N runs exactly N each.
FUZZ_CC ?= $(or $(CLANG),clang)
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= -1
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_DIR := $(B)/fuzz
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_LIB_OBJ := $(LIB_SRC:libjobmatch/%.c=$(FUZZ_DIR)/lib/%.o)
FUZZ_LIB_OBJ += $(FUZZ_DIR)/lib/report_page.o
# The longest input per harness: a few records for the readers, a stream for matcher and report.
FUZZ_MAX_LEN = $(or $(FUZZ_MAX_LEN_$*),4096)
FUZZ_MAX_LEN_matcher := 16384
FUZZ_MAX_LEN_report := 8192
# NDJSON harnesses share one dictionary of field names, CSV and list cells the other.
FUZZ_DICT = tests/fuzz/$(if $(filter csv list_cell,$*),csv,ndjson).dict

.PHONY: fuzz-build
fuzz: $(FUZZ_NAMES:%=fuzz-run-%)
fuzz-build: $(FUZZ_BINS)

$(FUZZ_DIR)/lib/%.o: libjobmatch/%.c $(HEADERS) $(PRIV_HEADERS) config.mk
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz: needs $(FUZZ_CC) (apt-get install clang)"; exit 1; }
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS_ALL) -DJM_BUILDING -Ilibjobmatch $(CJSON_CFLAGS) $(XXHASH_CFLAGS) -std=c11 \
	    -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<

$(FUZZ_DIR)/lib/report_page.o: $(B)/gen/report_page.c
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -g -O1 -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(CJSON_CFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) \
	    -o $@ $< $(FUZZ_LIB_OBJ) $(LIB_LIBS) -lpthread

fuzz-run-%: $(FUZZ_DIR)/fuzz_%
	@mkdir -p $(FUZZ_DIR)/corpus/$*
	cp tests/fuzz/corpus/$*/* $(FUZZ_DIR)/corpus/$*/
	$< -max_total_time=$(FUZZ_SECONDS) -runs=$(FUZZ_RUNS) -max_len=$(FUZZ_MAX_LEN) \
	    -dict=$(FUZZ_DICT) -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crash-$*- \
	    $(FUZZ_DIR)/corpus/$*

bench: all
	build-aux/bench.sh

# The reading benchmark's program (build-aux/bench-read.sh): jm_reader alone, never installed.
BENCH_READ := $(B)/tests/bench_read
$(B)/tests/bench/%.o: tests/bench/%.c config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(DEPFLAGS) -c -o $@ $<
$(BENCH_READ): $(B)/tests/bench/bench_read.o $(STLIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(STLIB) $(LIB_LIBS)
bench: $(BENCH_READ)
# The scoring benchmark's program (build-aux/bench-score.sh): the bare kernel beside the score.
BENCH_SCORE := $(B)/tests/bench_score
$(BENCH_SCORE): $(B)/tests/bench/bench_score.o $(STLIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(STLIB) $(LIB_LIBS)
bench: $(BENCH_SCORE)
# The scale run alone (also part of make bench): docs/PERFORMANCE.md, "Top K at scale".
.PHONY: bench-scale
bench-scale: tools
	build-aux/bench-scale.sh

demo: all
	build-aux/demo.sh

install: all $(if $(filter yes,$(PYTHON_INSTALL)),install-python)
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/jobmatch \
	    $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
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
	for m in $(wildcard docs/man/*.3); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man3/; done
	install -d $(DESTDIR)$(PLUGIN_INSTALL_DIR)
	$(if $(INSTALL_PLUGINS),install -m 755 $(INSTALL_PLUGINS) $(DESTDIR)$(PLUGIN_INSTALL_DIR)/)

# ---- the Python binding (bindings/python) ----------------------------------------------------
# install-python installs the package for $(PYTHON) under $(PREFIX) (make install does too with
# PYTHON_INSTALL=yes); its build backend is in the package, so pip needs no index. The package
# finds the installed library through the dynamic loader. check-python-installed runs the
# binding's tests against an installed copy in a scratch folder (tests/bindings/check-installed.sh);
# tests/cli/bindings-python runs them against the build tree.
.PHONY: install-python check-python-installed
install-python:
	$(PYTHON) -m pip install --no-index --no-deps --disable-pip-version-check \
	    $(if $(DESTDIR),--root=$(DESTDIR)) --prefix=$(PREFIX) bindings/python

check-python-installed: all $(TEST_PLUGIN)
	JM_MAKE="$(MAKE)" B=$(B) JM_PYTHON=$(PYTHON) tests/bindings/check-installed.sh

# ---- the Spark example (examples/spark) --------------------------------------------------------
# check-spark runs it with local[2] on the reference sample and compares every application with
# jm-match's; bench-spark times it against the reference pipeline's scoring UDF. pyspark comes
# from PyPI (Debian packages no pyspark) into a venv under $(B), made once and kept.
PYSPARK_VERSION := 3.5.3
SPARK_VENV := $(B)/spark-venv
SPARK_STAMP := $(SPARK_VENV)/.pyspark-$(PYSPARK_VERSION)
SPARK_ENV = PYTHONPATH=$(CURDIR)/bindings/python JOBMATCH_LIBRARY=$(CURDIR)/$(SHLIB) \
            PYSPARK_PYTHON=$(CURDIR)/$(SPARK_VENV)/bin/python JM_BIN=$(CURDIR)/$(BIN) \
            SPARK_LOCAL_IP=127.0.0.1
.PHONY: check-spark bench-spark
$(SPARK_STAMP):
	rm -rf $(SPARK_VENV)
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check pyspark==$(PYSPARK_VERSION)
	touch $@

check-spark: tools lib $(SPARK_STAMP)
	$(SPARK_ENV) $(SPARK_VENV)/bin/python examples/spark/check_spark.py

bench-spark: tools lib $(SPARK_STAMP)
	$(SPARK_ENV) nice $(SPARK_VENV)/bin/python examples/spark/bench.py

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libjobmatch.* $(DESTDIR)$(LIBDIR)/pkgconfig/jobmatch.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/jobmatch
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) $(TOOLS:%=$(DESTDIR)$(MANDIR)/man1/%.1)
	rm -f $(patsubst docs/man/%,$(DESTDIR)$(MANDIR)/man3/%,$(wildcard docs/man/*.3))
	rm -f $(INSTALL_PLUGINS:$(PLUGIN_DIR)/%=$(DESTDIR)$(PLUGIN_INSTALL_DIR)/%)
	-rmdir $(DESTDIR)$(PLUGIN_INSTALL_DIR) $(DESTDIR)$(LIBDIR)/jobmatch 2>/dev/null

clean:
	rm -rf build build-san build-tsan $(TOOLS:%=cli/%)

distclean: clean
	rm -rf config.mk config.log config.status configure configure~ autom4te.cache
