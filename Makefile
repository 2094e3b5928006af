# headroom — build, test, run, bench.
# `make` builds the CLI and the libraries; `make run` the default report;
# `make test` the whole suite (Criterion + CLI tests, then again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and the MPI check);
# `make mpi` builds build/headroom-mpi. Targets that need Debian
# packages install the missing ones with apt-get when run as root.

CC      ?= cc
HR_DATA ?= ../shared/datasets
PREFIX  ?= /usr/local
DESTDIR ?=
# Where `make install` puts models/*.spec; compiled into the library as the
# default directory of specification names (src/model/install_dir.c).
MODELS_DIR = $(PREFIX)/share/headroom/models

VERSION_MAJOR := $(shell sed -n 's/^\#define HR_VERSION_MAJOR //p' include/headroom.h)
VERSION       := $(shell sed -n 's/^\#define HR_VERSION_STRING "\(.*\)"/\1/p' include/headroom.h)

WARN    := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CSTD    := -std=c11 -D_GNU_SOURCE
OPT     ?= -O2 -g
CFLAGS_LIB = $(CSTD) $(OPT) $(WARN) -pthread -fPIC -fvisibility=hidden \
             -DHR_BUILDING_LIBRARY -Iinclude -Isrc
LDLIBS  := -llapacke -lopenblas -lcsv -ljson-c -lm -pthread

DEB_PKGS := libopenblas-dev liblapacke-dev libcsv-dev libjson-c-dev libcriterion-dev tzdata pkg-config python3 \
            python3-numpy python3-setuptools python3-venv

# Library sources: every folder under src/ but the two front ends.
LIB_SRC := $(sort $(filter-out src/cli/% src/mpi/%,$(wildcard src/*/*.c)))
LIB_HDR := $(filter-out src/cli/% src/mpi/%,$(wildcard src/*/*.h))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))

B  := build
BA := build/asan
BT := build/tsan
TSAN := -fsanitize=thread -fno-omit-frame-pointer
GEN_OUT := datasets/default/.stamp

LIB_OBJ  := $(LIB_SRC:src/%.c=$(B)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:src/cli/%.c=$(B)/obj/cli/%.o)
TESTS    := $(TEST_SRC:tests/%.c=$(B)/tests/%)
LIB_OBJ_A := $(LIB_SRC:src/%.c=$(BA)/obj/%.o)
CLI_OBJ_A := $(CLI_SRC:src/cli/%.c=$(BA)/obj/cli/%.o)
TESTS_A  := $(TEST_SRC:tests/%.c=$(BA)/tests/%)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: FORCE check-faults fuzz fuzz-long fuzz-check fuzz-build fuzz-deps check-layers all deps run test check check-asan check-tsan unit-tests cli-tests python-tests examples browser-check bench install install-check clean datasets \
        mpi mpi-deps check-mpi
.DELETE_ON_ERROR:

all: deps $(B)/headroom $(B)/libheadroom.a $(B)/libheadroom-internal.a $(B)/libheadroom.so $(B)/headroom.pc $(GEN_OUT)

# Install missing Debian packages (only as root; otherwise report what is missing).
deps:
	@missing=""; for p in $(DEB_PKGS) $(EXTRA_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; \
	    (apt-get install -y -q --no-install-recommends $$missing >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null)) \
	     || { echo "apt-get failed for:$$missing" >&2; exit 1; }; \
	  else echo "missing Debian packages:$$missing (run as root or install them)" >&2; exit 1; fi; fi

$(B)/obj/%.o: src/%.c $(LIB_HDR) include/headroom.h | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_LIB) -c $< -o $@

$(B)/obj/cli/%.o: src/cli/%.c $(wildcard src/cli/*.h) include/headroom.h | deps
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(OPT) $(WARN) -pthread -Iinclude -c $< -o $@

# install_dir.o holds MODELS_DIR: rebuilt when PREFIX changes (the stamp
# changes only then). The tests link a copy that names the source tree's
# models/ instead, so they run from the tree without an install.
$(B)/models-dir.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(MODELS_DIR)' | cmp -s - $@ || echo '$(MODELS_DIR)' > $@
%/obj/model/install_dir.o: CFLAGS_LIB += -DHR_MODELS_DIR='"$(MODELS_DIR)"'
$(B)/obj/model/install_dir.o $(BA)/obj/model/install_dir.o $(BT)/obj/model/install_dir.o: $(B)/models-dir.stamp
%/obj/tree_dir.o: src/model/install_dir.c src/model/spec.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_LIB) $(TREE_SAN) -DHR_MODELS_DIR='"$(CURDIR)/models"' -c $< -o $@
$(BA)/obj/tree_dir.o: TREE_SAN = -O1 $(SAN)
$(BT)/obj/tree_dir.o: TREE_SAN = -O1 $(TSAN)
.SECONDARY: $(B)/obj/tree_dir.o $(BA)/obj/tree_dir.o $(BT)/obj/tree_dir.o

# The installed static library is one relocatable object whose hidden
# (internal) symbols are made local, so it defines no global but the hr_ API
# and cannot clash with a planning tool's own names. Tests, benchmarks and
# the MPI front end, which reach internals, link libheadroom-internal.a.
$(B)/libheadroom.o: $(LIB_OBJ)
	ld -r -o $@.tmp $^
	objcopy --localize-hidden $@.tmp $@
	@rm -f $@.tmp
$(B)/libheadroom.a: $(B)/libheadroom.o
	@rm -f $@
	ar rcs $@ $^
	@nm -g --defined-only $@ | awk 'NF == 3 && $$3 !~ /^hr_/ {print; bad = 1} END {exit bad}' \
	  || { echo "$@ defines non-hr_ globals" >&2; rm -f $@; exit 1; }
$(B)/libheadroom-internal.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/libheadroom.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libheadroom.so.$(VERSION_MAJOR) -o $(B)/libheadroom.so.$(VERSION) $^ $(LDLIBS)
	ln -sf libheadroom.so.$(VERSION) $(B)/libheadroom.so.$(VERSION_MAJOR)
	ln -sf libheadroom.so.$(VERSION) $@

# The CLI links the static library so the binary runs from anywhere.
$(B)/headroom: $(CLI_OBJ) $(B)/libheadroom.a
	$(CC) $(OPT) -pthread -o $@ $(CLI_OBJ) $(B)/libheadroom.a $(LDLIBS)

$(B)/headroom.pc: Makefile include/headroom.h
	@mkdir -p $(B)
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: headroom\nDescription: hourly load forecasting and grid headroom\nVersion: %s\nLibs: -L$${libdir} -lheadroom\nLibs.private: %s\nCflags: -I$${includedir}\n' \
	  '$(PREFIX)' '$(VERSION)' '$(LDLIBS)' > $@

# ---- default data: a seeded generator (datasets/gen.c), see datasets/README.md
$(B)/gen: datasets/gen.c | deps
	@mkdir -p $(B)
	$(CC) $(CSTD) -O2 $(WARN) -o $@ $< -lm
$(GEN_OUT): $(B)/gen
	@mkdir -p datasets/default
	$(B)/gen datasets/default
	@touch $@
datasets: $(GEN_OUT)

run: all $(GEN_OUT)
	$(B)/headroom report -o out datasets/default/*.csv
	@echo "report: $(CURDIR)/out/index.html"

# ---- tests (they include internal headers and R's reference numbers)
TEST_DEPS := $(wildcard tests/*.h) $(wildcard tests/reference/*.h) $(LIB_HDR) include/headroom.h
$(B)/tests/%: tests/%.c $(TEST_DEPS) $(B)/libheadroom-internal.a $(B)/obj/tree_dir.o
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(OPT) $(WARN) -pthread -Iinclude -Isrc -Itests -o $@ $< $(B)/obj/tree_dir.o $(B)/libheadroom-internal.a -lcriterion $(LDLIBS)

$(BA)/obj/%.o: src/%.c $(LIB_HDR) include/headroom.h | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_LIB) -O1 $(SAN) -c $< -o $@
$(BA)/obj/cli/%.o: src/cli/%.c $(wildcard src/cli/*.h) include/headroom.h | deps
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(WARN) $(SAN) -pthread -Iinclude -c $< -o $@
$(BA)/libheadroom.a: $(LIB_OBJ_A)
	@rm -f $@
	ar rcs $@ $^
# (build/asan/headroom has no ../models: it takes the tree's as its default)
$(BA)/headroom: $(CLI_OBJ_A) $(BA)/libheadroom.a $(BA)/obj/tree_dir.o
	$(CC) $(SAN) -pthread -o $@ $(CLI_OBJ_A) $(BA)/obj/tree_dir.o $(BA)/libheadroom.a $(LDLIBS)
$(BA)/tests/%: tests/%.c $(TEST_DEPS) $(BA)/libheadroom.a $(BA)/obj/tree_dir.o
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(WARN) $(SAN) -pthread -Iinclude -Isrc -Itests -o $@ $< $(BA)/obj/tree_dir.o $(BA)/libheadroom.a -lcriterion $(LDLIBS)

TEST_ENV := HR_DATA=$(abspath $(HR_DATA)) OPENBLAS_NUM_THREADS=1

unit-tests: all $(TESTS) $(GEN_OUT)
	@set -e; for t in $(TESTS); do echo "== $$t"; $(TEST_ENV) $$t --jobs 2 --short-filename; done

cli-tests: all $(GEN_OUT)
	$(TEST_ENV) HEADROOM=$(B)/headroom sh tests/cli.sh

# The Python package installed into a fresh virtual environment (offline).
PYTHON ?= $(shell [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)
python-tests: all $(GEN_OUT)
	$(TEST_ENV) PYTHON=$(PYTHON) HEADROOM=$(B)/headroom sh tests/python.sh

check-asan: deps $(TESTS_A) $(BA)/headroom $(GEN_OUT)
	@set -e; for t in $(TESTS_A); do echo "== $$t (asan+ubsan)"; \
	  $(TEST_ENV) HR_ASAN=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 $$t --jobs 2 --short-filename; done
	$(TEST_ENV) HR_ASAN=1 HEADROOM=$(BA)/headroom sh tests/cli.sh

# An install into a fresh prefix, built in its own directory (build/install,
# so that PREFIX compiled into the library does not rebuild build/ under the
# other tests), then the installed CLI run from another directory: a fit by
# model name and a report find the installed specifications, no warnings.
INSTALL_PREFIX := $(CURDIR)/build/install/prefix
install-check: deps $(GEN_OUT)
	rm -rf $(INSTALL_PREFIX)
	$(MAKE) -s B=build/install PREFIX=$(INSTALL_PREFIX) install
	sh tests/install.sh $(INSTALL_PREFIX) $(CURDIR)/datasets/default

# The C example builds against the installed copy (pkg-config), the Python
# one uses the installed libheadroom.so; both run from the project root.
EXAMPLE_PREFIX := $(INSTALL_PREFIX)
examples: install-check
	$(CC) -std=c11 -Wall -Wextra -Werror examples/example.c -o $(B)/example \
	  $$(PKG_CONFIG_PATH=$(EXAMPLE_PREFIX)/lib/pkgconfig pkg-config --cflags --libs headroom)
	LD_LIBRARY_PATH=$(EXAMPLE_PREFIX)/lib $(B)/example
	PYTHONPATH=python HEADROOM_LIB=$(EXAMPLE_PREFIX)/lib/libheadroom.so $(PYTHON) examples/example.py
	@nm -D --defined-only $(B)/libheadroom.so | awk '$$2 ~ /[TDBR]/ {print $$3}' | grep -v '^hr_' \
	  && { echo "libheadroom.so exports non-hr_ symbols" >&2; exit 1; } || true

# Headless Chromium renders a report and checks every chart (tests/browser).
browser-check: all
	EXTRA_PKGS=chromium $(MAKE) -s deps
	sh tests/browser/check.sh

# ---- ThreadSanitizer: the library and tests/test_threads.c built with
# -fsanitize=thread into build/tsan/ (OpenBLAS itself is not instrumented).
# Criterion does not start under TSan (Snaipe/Criterion#274), so the test is
# built with -DHR_NO_CRITERION (its own main) and without -lcriterion.
LIB_OBJ_T := $(LIB_SRC:src/%.c=$(BT)/obj/%.o)
$(BT)/obj/%.o: src/%.c $(LIB_HDR) include/headroom.h | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_LIB) -O1 $(TSAN) -c $< -o $@
$(BT)/libheadroom.a: $(LIB_OBJ_T)
	@rm -f $@
	ar rcs $@ $^
$(BT)/tests/test_threads: tests/test_threads.c $(TEST_DEPS) $(BT)/libheadroom.a $(BT)/obj/tree_dir.o
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(WARN) $(TSAN) -DHR_NO_CRITERION -pthread -Iinclude -Isrc -Itests -o $@ $< $(BT)/obj/tree_dir.o $(BT)/libheadroom.a $(LDLIBS)
check-tsan: deps $(BT)/tests/test_threads
	$(TEST_ENV) TSAN_OPTIONS=halt_on_error=1:exitcode=66 $(BT)/tests/test_threads

# ---- MPI: build/headroom-mpi = the report's CLI with src/mpi/main_mpi.c as
# its main, built with mpicc against the same static library (the library
# has no MPI in it: src/report/batch.h is its hook). tests/mpi.sh checks that
# `mpirun -np 2` and `-np 3` write the report of one process.
MPI_PKGS := libopenmpi-dev openmpi-bin
MPICC    ?= mpicc
MPI_CLI_OBJ := $(filter-out $(B)/obj/cli/main.o,$(CLI_OBJ))
mpi-deps:
	@EXTRA_PKGS="$(MPI_PKGS)" $(MAKE) -s deps
$(B)/obj/mpi/%.o: src/mpi/%.c src/report/batch.h $(wildcard src/cli/*.h) include/headroom.h | mpi-deps
	@mkdir -p $(@D)
	$(MPICC) $(CSTD) $(OPT) $(WARN) -pthread -Iinclude -Isrc -Isrc/cli -c $< -o $@
$(B)/headroom-mpi: $(B)/obj/mpi/main_mpi.o $(MPI_CLI_OBJ) $(B)/libheadroom-internal.a | mpi-deps
	$(MPICC) $(OPT) -pthread -o $@ $(B)/obj/mpi/main_mpi.o $(MPI_CLI_OBJ) $(B)/libheadroom-internal.a $(LDLIBS)
mpi: all $(B)/headroom-mpi
check-mpi: mpi $(GEN_OUT)
	$(TEST_ENV) HEADROOM=$(B)/headroom HEADROOM_MPI=$(B)/headroom-mpi sh tests/mpi.sh

# The folders under src/ form layers (tests/layers.sh).
check-layers:
	sh tests/layers.sh

# ---- fuzzing: libFuzzer harnesses (tests/fuzz/README.md) built with
# Debian's clang into build/fuzz/, the library instrumented with ASan+UBSan.
# `make fuzz FUZZ_SECONDS=N` runs each for N seconds, `make fuzz-long` each
# for FUZZ_RUNS executions (10 million); both report executions, coverage
# and findings. `make test` runs fuzz-check: every harness on its seeds,
# its corpus and all past findings, then 2 seconds of fuzzing.
FUZZ_PKGS    := clang libclang-rt-dev
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?= 10000000
BF           := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(CSTD) -O1 -g $(WARN) -pthread $(FUZZ_SAN) -Iinclude -Isrc -Itests/fuzz
FUZZ_READERS := auto long eia930 eia930_ba ercot_native ercot_fuel pjm_gen us48 series weather
FUZZERS      := $(FUZZ_READERS:%=$(BF)/fuzz_read_%) $(BF)/fuzz_model_mem $(BF)/fuzz_model_file \
                $(BF)/fuzz_spec $(BF)/fuzz_capacity $(BF)/fuzz_profile
LIB_OBJ_F    := $(LIB_SRC:src/%.c=$(BF)/obj/%.o)
CLI_OBJ_F    := $(BF)/obj/cli/cli_common.o $(BF)/obj/cli/cli_ingest.o $(BF)/obj/cli/cli_model.o \
                $(BF)/obj/cli/cli_contract.o $(BF)/obj/cli/cli_outlook.o
FUZZ_DEPS    := tests/fuzz/fuzz.h $(LIB_HDR) include/headroom.h
fuzz-deps:
	@EXTRA_PKGS="$(FUZZ_PKGS)" $(MAKE) -s deps
$(BF)/obj/cli/%.o: src/cli/%.c $(wildcard src/cli/*.h) include/headroom.h | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(BF)/obj/%.o: src/%.c $(LIB_HDR) include/headroom.h | fuzz-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS_LIB) -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@
$(BF)/libheadroom.a: $(LIB_OBJ_F)
	@rm -f $@
	ar rcs $@ $^
$(BF)/fuzz_read_%: tests/fuzz/fuzz_read.c $(FUZZ_DEPS) $(BF)/libheadroom.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFUZZ_FORMAT=HR_FORMAT_$(shell echo $* | tr a-z A-Z) \
	  -o $@ $< $(BF)/libheadroom.a $(LDLIBS)
$(BF)/fuzz_model_mem: tests/fuzz/fuzz_model.c $(FUZZ_DEPS) $(BF)/libheadroom.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BF)/libheadroom.a $(LDLIBS)
$(BF)/fuzz_model_file: tests/fuzz/fuzz_model.c $(FUZZ_DEPS) $(BF)/libheadroom.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFUZZ_MODEL_FILE -o $@ $< $(BF)/libheadroom.a $(LDLIBS)
$(BF)/fuzz_spec: tests/fuzz/fuzz_spec.c $(FUZZ_DEPS) $(BF)/libheadroom.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BF)/libheadroom.a $(LDLIBS)
$(BF)/fuzz_capacity: tests/fuzz/fuzz_assess.c src/cli/cmd_assess.c $(FUZZ_DEPS) $(CLI_OBJ_F) $(BF)/libheadroom.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc/cli -fsanitize=fuzzer -o $@ $< $(CLI_OBJ_F) $(BF)/libheadroom.a $(LDLIBS)
$(BF)/fuzz_profile: tests/fuzz/fuzz_assess.c src/cli/cmd_assess.c $(FUZZ_DEPS) $(CLI_OBJ_F) $(BF)/libheadroom.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Isrc/cli -fsanitize=fuzzer -DFUZZ_PROFILE -o $@ $< $(CLI_OBJ_F) $(BF)/libheadroom.a $(LDLIBS)
$(BF)/seeds/.stamp: tests/fuzz/seeds.py $(B)/headroom $(GEN_OUT) $(wildcard tests/malformed/*) $(wildcard models/*.spec)
	rm -rf $(BF)/seeds
	python3 tests/fuzz/seeds.py $(BF)/seeds $(B)/headroom
	@touch $@
fuzz-build: fuzz-deps $(FUZZERS) $(BF)/seeds/.stamp
fuzz: fuzz-build
	sh tests/fuzz/run.sh fuzz $(BF) $(BF)/seeds $(FUZZ_SECONDS)
fuzz-long: fuzz-build
	sh tests/fuzz/run.sh long $(BF) $(BF)/seeds $(FUZZ_RUNS)
fuzz-check: fuzz-build
	sh tests/fuzz/run.sh check $(BF) $(BF)/seeds

# kill -9 during -o writes, a full tmpfs, FIFO/directory//dev/zero inputs
check-faults: all $(GEN_OUT)
	HEADROOM=$(B)/headroom DATA=datasets/default sh tests/faults.sh

test: check-layers unit-tests cli-tests python-tests install-check examples browser-check check-asan check-tsan check-mpi check-faults fuzz-check
	@echo "all tests passed"
check: test

bench: all $(GEN_OUT)
	$(TEST_ENV) sh bench/run.sh

install: deps $(B)/headroom $(B)/libheadroom.a $(B)/libheadroom.so $(B)/headroom.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(MODELS_DIR)
	install -m 644 models/*.spec $(DESTDIR)$(MODELS_DIR)/
	install -m 755 $(B)/headroom $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(B)/libheadroom.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/libheadroom.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libheadroom.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libheadroom.so.$(VERSION_MAJOR)
	ln -sf libheadroom.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libheadroom.so
	install -m 644 include/headroom.h $(DESTDIR)$(PREFIX)/include/
	sed 's|^prefix=.*|prefix=$(PREFIX)|' $(B)/headroom.pc > $(DESTDIR)$(PREFIX)/lib/pkgconfig/headroom.pc

clean:
	rm -rf build out datasets/default
