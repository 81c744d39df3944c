# icmpmon: BPF object -> skeleton -> userland binary; deps, run, test.
CC       ?= cc
CLANG    ?= clang
BPFTOOL  ?= bpftool
BUILD    := build
ARCH     := x86
PREFIX   ?= /usr/local
DESTDIR  ?=

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -I. -I$(BUILD) -I$(BUILD)/gen
# libxdp (Debian's libxdp-dev, linked to the same shared libbpf): joining xdp-tools' XDP dispatcher.
LIBXDP_LIBS := $(shell pkg-config --libs libxdp 2>/dev/null || echo -lxdp)
LDLIBS   += $(LIBXDP_LIBS) -lbpf -lelf -lz -lm -lcap -lmicrohttpd -lprotobuf-c -lpthread
ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
BUILD    := build/san
endif

BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) \
              -Ivmlinux/$(ARCH) -Ibpf -Wall -Werror

APP_SRCS := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
APP_HDRS := $(wildcard src/*/*.h bpf/*.h)
APP_OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(APP_SRCS))

# Prometheus' protobuf exposition: protoc-c compiles the metrics.proto that Debian's
# golang-github-prometheus-client-model-dev ships (and the Timestamp it imports).
PROM_PROTO_DIR := /usr/share/gocode/src/github.com/prometheus/client_model
PB_GEN   := $(BUILD)/gen
PB_PROTOS := io/prometheus/client/metrics google/protobuf/timestamp
PB_HDRS  := $(patsubst %,$(PB_GEN)/%.pb-c.h,$(PB_PROTOS))
PB_OBJS  := $(patsubst %,$(BUILD)/obj/pb/%.pb-c.o,$(PB_PROTOS))
APP_OBJS += $(PB_OBJS)
SKEL     := $(BUILD)/icmpmon.skel.h $(BUILD)/wire.skel.h $(BUILD)/hwts.skel.h
BPF_OBJS := $(BUILD)/icmpmon.bpf.o $(BUILD)/wire.bpf.o $(BUILD)/hwts.bpf.o
.SECONDARY: $(BPF_OBJS)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
BPF_TESTS  := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(wildcard tests/bpf/test_*.c))
# tests/lib: packet builder and skeleton harness, shared by the BPF tests and bench/prog_cost.
TEST_LIB_OBJS := $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(wildcard tests/lib/*.c))
BPF_TEST_OBJS := $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(filter-out tests/bpf/test_%.c,$(wildcard tests/bpf/*.c)))
TEST_HDRS     := $(wildcard tests/lib/*.h tests/bpf/*.h)

DEB_PKGS := clang llvm libbpf-dev libxdp-dev xdp-tools bpftool libelf-dev zlib1g-dev libcmocka-dev pkg-config \
            iproute2 iputils-ping fping jq libcap-dev procps strace \
            libmicrohttpd-dev curl prometheus man-db groff-base valgrind python3 systemd \
            debhelper dpkg-dev lintian \
            libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev golang-github-prometheus-client-model-dev

.PHONY: all deps run test unit-test bpf-test e2e-test check-layers vmlinux clean install uninstall fleet-demo fuzz fuzz-build mutate

all: $(BUILD)/icmpmon

# Installs only what is missing; apt-get update runs only when something is.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

vmlinux:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > vmlinux/$(ARCH)/vmlinux.h

$(BUILD) $(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(PB_HDRS) $(patsubst %.h,%.c,$(PB_HDRS)) &: $(PROM_PROTO_DIR)/io/prometheus/client/metrics.proto
	@mkdir -p $(PB_GEN)
	protoc-c -I$(PROM_PROTO_DIR) -I/usr/include --c_out=$(PB_GEN) $(addsuffix .proto,$(PB_PROTOS))

$(BUILD)/obj/pb/%.pb-c.o: $(PB_GEN)/%.pb-c.c $(PB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: src/%.c $(APP_HDRS) $(SKEL) $(PB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/icmpmon: $(BUILD)/obj/cli/main.o $(APP_OBJS)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Every unit test links the whole userland library; the linker keeps what it uses.
$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/capture.h $(APP_OBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(APP_OBJS) $(LDLIBS) -lcmocka -o $@

$(BUILD)/tests/%.o: tests/%.c $(TEST_HDRS) $(SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/lib -c $< -o $@

.SECONDARY: $(BPF_TEST_OBJS) $(TEST_LIB_OBJS)
$(BUILD)/tests/test_%: tests/bpf/test_%.c $(TEST_HDRS) $(SKEL) $(BPF_TEST_OBJS) $(TEST_LIB_OBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) -Itests/lib $(LDFLAGS) $< $(BPF_TEST_OBJS) $(TEST_LIB_OBJS) $(LDLIBS) -lcmocka -o $@

run: deps all
	$(BUILD)/icmpmon -c 5 127.0.0.1

unit-test: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do echo "== $$t"; $$t; done

bpf-test: $(BPF_TESTS)
	@set -e; for t in $(BPF_TESTS); do echo "== $$t"; $$t; done

e2e-test: $(BUILD)/icmpmon
	@ICMPMON=$(abspath $(BUILD)/icmpmon) tests/e2e/run.sh

# Dependencies run one way between the folders of src/ (docs/architecture.md).
check-layers:
	@tests/layers/check-layers.sh
	@tests/layers/test-check-layers.sh

test: deps
	$(MAKE) check-layers
	$(MAKE) all unit-test bpf-test
	$(MAKE) fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	$(MAKE) e2e-test

# make mutate [MUTATE_ARGS="--only REGEX" or "--check"]: each single-line mutant of
# tests/mutants.txt in a scratch copy, against the unit and BPF tests and the one e2e
# test it names; prints the score and every survivor (tests/mutate.py). Not part of test.
mutate:
	python3 tests/mutate.py $(MUTATE_ARGS)

# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang and ASan/UBSan
# into build/fuzz whatever SANITIZE says; make fuzz runs each FUZZ_SECONDS.
FUZZ_CC           ?= clang
FUZZ_BUILD        := build/fuzz
FUZZ_SECONDS      ?= 60
TEST_FUZZ_SECONDS ?= 10
FUZZ_CFLAGS       := -std=gnu11 -g -O1 -Wall -Wextra -D_GNU_SOURCE -Isrc -I. -I$(BUILD) -I$(PB_GEN) -fno-omit-frame-pointer \
                     -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJS         := $(patsubst src/%.c,$(FUZZ_BUILD)/obj/%.o,$(APP_SRCS))
FUZZ_BINS         := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_BUILD)/obj/%.o: src/%.c $(APP_HDRS) $(SKEL) $(PB_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(PB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJS) $(PB_OBJS) $(LDLIBS) -o $@

.SECONDARY: $(FUZZ_OBJS)
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

clean:
	rm -rf build

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, icmpmon(8), the systemd unit, examples,
# and what a Prometheus and a Grafana load: $(PREFIX)/share/icmpmon/{prometheus,grafana}.
SBINDIR  := $(PREFIX)/sbin
MAN8DIR  := $(PREFIX)/share/man/man8
UNITDIR  ?= $(PREFIX)/lib/systemd/system
EXDIR    := $(PREFIX)/share/doc/icmpmon/examples
DATADIR  := $(PREFIX)/share/icmpmon

install: $(BUILD)/icmpmon
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MAN8DIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(EXDIR)
	install -m 0755 $(BUILD)/icmpmon $(DESTDIR)$(SBINDIR)/icmpmon
	install -m 0644 docs/icmpmon.8 $(DESTDIR)$(MAN8DIR)/icmpmon.8
	sed 's|@SBINDIR@|$(SBINDIR)|g' docs/packaging/icmpmon.service > $(DESTDIR)$(UNITDIR)/icmpmon.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/icmpmon.service
	install -m 0644 docs/packaging/targets.example docs/packaging/icmpmon.default \
		$(DESTDIR)$(EXDIR)/
	install -D -m 0644 docs/packaging/icmpmon-rules.yml $(DESTDIR)$(DATADIR)/prometheus/icmpmon-rules.yml
	install -D -m 0644 docs/packaging/icmpmon-rules.test.yml $(DESTDIR)$(DATADIR)/prometheus/icmpmon-rules.test.yml
	install -D -m 0644 docs/packaging/grafana-dashboard.json $(DESTDIR)$(DATADIR)/grafana/icmpmon-dashboard.json

# make deb: build/deb/icmpmon_<version>_<arch>.deb with debhelper from a staged copy of the
# sources (the debian/ directory lives in docs/packaging/debian), checked by lintian.
DEB_VERSION := $(shell sed -n 's/.*ICMPMON_VERSION "\(.*\)"/\1/p' src/util/version.h)
DEB_STAGE   := build/deb/icmpmon-$(DEB_VERSION)
.PHONY: deb
deb: deps
	rm -rf build/deb
	mkdir -p $(DEB_STAGE)
	cp -r Makefile README.md bpf src vmlinux docs $(DEB_STAGE)/
	cp -r docs/packaging/debian $(DEB_STAGE)/debian
	cd $(DEB_STAGE) && dpkg-buildpackage -b -us -uc > ../build.log 2>&1 || { tail -40 ../build.log; exit 1; }
	lintian --fail-on error,warning --suppress-tags-from-file docs/packaging/lintian-suppressed build/deb/icmpmon_$(DEB_VERSION)_*.deb
	@ls build/deb/*.deb

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/icmpmon $(DESTDIR)$(MAN8DIR)/icmpmon.8 $(DESTDIR)$(UNITDIR)/icmpmon.service
	rm -rf $(DESTDIR)$(EXDIR) $(DESTDIR)$(DATADIR)

# K hosts in network namespaces probing each other, scraped by a real Prometheus (docs/fleet.md).
fleet-demo: $(BUILD)/icmpmon
	ICMPMON=$(abspath $(BUILD)/icmpmon) timeout -k 10 300 tests/e2e/fleet.sh demo

# Benchmarks against ping, fping and --mode socket, in network namespaces (bench/README.md).
# make bench BENCH="1 4": some scenarios only; make bench BENCH=10: the fleet-scale run
# (65,536 targets scraped by Prometheus for BENCH_FLEET_SECONDS, default 300).
BENCH_PKGS := hping3 stress-ng tcpdump gnuplot-nox fping iputils-ping time jq bpftool iproute2 prometheus curl linux-perf strace
BENCH    ?=
.PHONY: bench bench-deps

bench-deps:
	@missing=""; for p in $(BENCH_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BUILD)/bench/prog_cost: bench/prog_cost.c $(TEST_LIB_OBJS) $(TEST_HDRS) bpf/icmpmon.h $(SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/lib $(LDFLAGS) $< $(TEST_LIB_OBJS) $(LDLIBS) -o $@

$(BUILD)/bench/verif_cost: bench/verif_cost.c bpf/icmpmon.h $(SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(LDLIBS) -o $@

$(BUILD)/bench/send_floor: bench/send_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $< -o $@

# make bench BENCH="7 8": some scenarios only (bench/README.md lists them).
bench: deps bench-deps
	$(MAKE) all $(BUILD)/bench/prog_cost $(BUILD)/bench/verif_cost $(BUILD)/bench/send_floor
	ICMPMON=$(abspath $(BUILD)/icmpmon) PROG_COST=$(abspath $(BUILD)/bench/prog_cost) \
		VERIF_COST=$(abspath $(BUILD)/bench/verif_cost) SEND_FLOOR=$(abspath $(BUILD)/bench/send_floor) $(if $(strip $(BENCH)),BENCH_SCENARIOS="$(BENCH)") bench/run.sh
