# hidphone: a TSPI provider for USB HID phones. See README for the layout and the commands.

VERSION      := 0.1.0
PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
DATADIR      ?= $(PREFIX)/share
SYSCONFDIR   ?= $(PREFIX)/etc
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR       ?= $(DATADIR)/man
BUILDDIR     ?= build
FUZZ_SECONDS ?= 60

CC      ?= cc
CLANG   ?= clang
CFLAGS  ?= -O2 -g
PKGS    := hidapi-hidraw libusb-1.0 libudev libre alsa

# Expanded only when a recipe runs, i.e. after the dependency check below has installed
# the packages pkg-config asks about.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lm

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	    -Wformat=2 -Wvla -Wpointer-arith -Wundef
# libre's headers take the C99 integer and bool types from the system only when told so.
RE_CFLAGS := -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H
HP_CFLAGS = -std=c11 $(WARNINGS) -fPIC -fvisibility=hidden -D_GNU_SOURCE -I. -Iinclude \
	    -MMD -MP $(PKG_CFLAGS) $(RE_CFLAGS)

HID_SRCS := hid/rdesc-parse.c hid/rdesc-load.c hid/field-codec.c hid/hex-text.c hid/file-read.c \
	    hid/usage-names.c hid/hidraw-node.c hid/recording.c hid/transport-replay.c \
	    hid/transport-hidraw.c hid/transport-libusb.c hid/report-prefix.c
DEV_SRCS := devices/telephony-map.c devices/phone-model.c devices/profile-parse.c \
	    devices/profile-match.c devices/audio-card.c devices/audio-mixer.c devices/audio-ring.c \
	    devices/matrix-scan.c devices/matrix-find.c devices/usb-path.c
LOOP_SRCS := loop/event-loop.c loop/backoff.c loop/thread-latency.c
CORE_SRCS := $(HID_SRCS) $(DEV_SRCS) $(LOOP_SRCS)
TSP_SRCS := tsp/provider.c tsp/phone.c tsp/discovery.c tsp/phone-io.c tsp/phone-caps.c \
	    tsp/phone-control.c tsp/dispatch.c tsp/errors.c tsp/log.c tsp/varstruct.c \
	    tsp/button-info.c tsp/hotplug.c tsp/lamp-cadence.c tsp/phone-audio.c \
	    tsp/discovery-usb.c tsp/phone-writer.c
# Lines: the TSPI line functions over the call engine (calls/).
TSP_SRCS += tsp/line-device.c tsp/line-call.c tsp/line-dial.c
# The call engine (calls/): SIP, SDP and RTP through libre and librem, whose headers want
# HAVE_INTTYPES_H to find the fixed-width integer types; ALSA for the phone's audio port.
# It reads hidphone.conf with hid/'s file reader: what links it links the core library after.
CALLS_PKGS := libre librem alsa
CALLS_CFLAGS = $(shell pkg-config --cflags $(CALLS_PKGS)) -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H
CALLS_LIBS   = $(shell pkg-config --libs $(CALLS_PKGS)) -lm
CALLS_SRCS := calls/config-parse.c calls/config-file.c calls/call-engine.c calls/call-media.c \
	      calls/call-register.c calls/media-port.c calls/media-alsa.c calls/call-resolve.c \
	      calls/media-hist.c
TOOL_SRCS := tools/phonectl.c tools/phonectl-describe.c tools/json-writer.c \
	     tools/tapi-host.c tools/tapi-names.c tools/phonectl-session.c \
	     tools/phonectl-replay.c tools/phonectl-monitor.c tools/phonectl-control.c \
	     tools/phonectl-list.c tools/phonectl-record.c tools/phonectl-raw.c \
	     tools/phonectl-app.c tools/phonectl-profile.c tools/phonectl-audio.c \
	     tools/phonectl-call.c

TAPI_SRCS := tapi/tapi-registry.c tapi/tapi-providers.c tapi/tapi-phone.c tapi/tapi-line.c \
	     tapi/tapi-text.c

UNIT_TESTS := test-rdesc-parse test-field-codec test-rdesc-load test-usage-names \
	      test-real-descriptors test-telephony-map test-json-writer test-phone-model \
	      test-recording test-transport-replay test-event-loop test-loop-backoff test-lamp-cadence \
	      test-line-dial test-provider test-provider-fixtures test-provider-replug \
	      test-call-config test-call-engine \
	      test-tapi test-tapi-text test-tapi-fake test-line test-tapi-line test-profile \
	      test-audio-card test-audio-mixer test-matrix-scan test-phonectl-call

# The loop thread's scheduling (loop/thread-latency.c).
UNIT_TESTS += test-thread-latency

OBJ := $(BUILDDIR)/obj
CORE_OBJS := $(CORE_SRCS:%.c=$(OBJ)/%.o)
TSP_OBJS  := $(TSP_SRCS:%.c=$(OBJ)/%.o)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(OBJ)/%.o)
CALLS_OBJS := $(CALLS_SRCS:%.c=$(OBJ)/%.o)
CALLS_LIB := $(BUILDDIR)/libhidphone-calls.a
TAPI_OBJS := $(TAPI_SRCS:%.c=$(OBJ)/%.o)
CORE_LIB  := $(BUILDDIR)/libhidphone-core.a
PHONECTL  := $(BUILDDIR)/phonectl
PROVIDER  := $(BUILDDIR)/hidphone.tsp
TEST_BINS := $(UNIT_TESTS:%=$(BUILDDIR)/test/%)
# The TAPI runtime: the application API over the providers it loads (tapi/).
TAPI_SOVERSION := 0
LIBTAPI_SONAME := libtapi32.so.$(TAPI_SOVERSION)
LIBTAPI    := $(BUILDDIR)/libtapi32.so
LIBTAPI_SO := $(BUILDDIR)/$(LIBTAPI_SONAME)
EXAMPLE    := $(BUILDDIR)/examples/phone-lamp
LINE_EXAMPLE := $(BUILDDIR)/examples/line-call

DEPS_BUILD := $(BUILDDIR)/.deps-build
DEPS_CHECK := $(BUILDDIR)/.deps-check

include udev/udev.mk

.PHONY: all check check-unit check-sanitize check-tsan check-valgrind check-abi check-tools \
	check-vm check-vm-libusb fuzz run install uninstall clean install-tapi uninstall-tapi \
	check-tapi-example
.DEFAULT_GOAL := all

all: $(PROVIDER) $(PHONECTL) $(UDEV_PROBE) $(CALLS_LIB) $(LIBTAPI) $(EXAMPLE) $(LINE_EXAMPLE)

# Checked again when the lists in tools/deps.sh change.
$(DEPS_BUILD): tools/deps.sh
	@sh tools/deps.sh build
	@mkdir -p $(@D) && touch $@

$(DEPS_CHECK): tools/deps.sh
	@sh tools/deps.sh check
	@mkdir -p $(@D) && touch $@

$(OBJ)/%.o: %.c | $(DEPS_BUILD)
	@mkdir -p $(@D)
	$(CC) $(HP_CFLAGS) $(CFLAGS) -c $< -o $@

# phonectl looks for the provider beside itself first (the build directory), then here.
$(OBJ)/tools/tapi-host.o: HP_CFLAGS += -DHIDPHONE_TSP_INSTALLED='"$(LIBDIR)/hidphone/hidphone.tsp"'

$(OBJ)/calls/%.o $(OBJ)/test/test-call-%.o $(OBJ)/test/call-peer.o $(OBJ)/test/call-registrar.o: \
	HP_CFLAGS += $(CALLS_CFLAGS)

# tsp/ includes the call engine's header (and through it libre's/librem's types).
$(TSP_OBJS): HP_CFLAGS += $(CALLS_CFLAGS)

$(CALLS_LIB): $(CALLS_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# Device profiles: the shipped ones are read from here, then /etc/hidphone/profiles.d.
PROFILES_DIR := $(DATADIR)/hidphone/profiles
$(OBJ)/devices/profile-match.o: HP_CFLAGS += -DHIDPHONE_PROFILES_DIR='"$(PROFILES_DIR)"'

$(CORE_LIB): $(CORE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# phonectl monitor is an application of libtapi32, linked in so phonectl runs from anywhere.
$(PHONECTL): $(TOOL_OBJS) $(CORE_LIB) $(TAPI_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -ldl -pthread

# The provider: a shared object that exports the TSPI_* functions and nothing else
# (everything is built with -fvisibility=hidden; include/tspi.h marks the entry points).
$(PROVIDER): $(TSP_OBJS) $(CALLS_LIB) $(CORE_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-z,defs -Wl,--as-needed -o $@ $^ $(PKG_LIBS) \
		$(CALLS_LIBS) -pthread

# libtapi32 finds its providers in TAPI_PROVIDERS, else this file, else the installed
# hidphone.tsp; it exports only the API (tapi/libtapi32.map).
$(OBJ)/tapi/tapi-providers.o: HP_CFLAGS += -DTAPI_PROVIDERS_CONF='"$(SYSCONFDIR)/tapi/providers.conf"' \
	-DHIDPHONE_TSP_INSTALLED='"$(LIBDIR)/hidphone/hidphone.tsp"'

$(LIBTAPI_SO): $(TAPI_OBJS) tapi/libtapi32.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(LIBTAPI_SONAME) \
		-Wl,--version-script=tapi/libtapi32.map -Wl,-z,defs -o $@ $(TAPI_OBJS) -ldl -pthread

$(LIBTAPI): $(LIBTAPI_SO)
	ln -sf $(LIBTAPI_SONAME) $@

# Programs of applications link as any would: -ltapi32 from the build directory.
TAPI_APP_LIBS = -L$(BUILDDIR) -Wl,-rpath,$(abspath $(BUILDDIR)) -ltapi32

$(EXAMPLE): examples/phone-lamp.c $(LIBTAPI) | $(DEPS_BUILD)
	@mkdir -p $(@D)
	$(CC) -std=c11 $(WARNINGS) -Iinclude $(CFLAGS) $(LDFLAGS) -o $@ $< $(TAPI_APP_LIBS)

$(LINE_EXAMPLE): examples/line-call.c $(LIBTAPI) | $(DEPS_BUILD)
	@mkdir -p $(@D)
	$(CC) -std=c11 $(WARNINGS) -Iinclude $(CFLAGS) $(LDFLAGS) -o $@ $< $(TAPI_APP_LIBS)

# --- tests ------------------------------------------------------------------------------

TEST_CFLAGS = -DTEST_DATA_DIR='"$(CURDIR)/test/data"' -DTEST_PROVIDER='"$(abspath $(PROVIDER))"' \
	      -Wno-missing-prototypes

$(OBJ)/test/%.o: test/%.c | $(DEPS_CHECK)
	@mkdir -p $(@D)
	$(CC) $(HP_CFLAGS) $(TEST_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILDDIR)/test/test-json-writer: $(OBJ)/test/test-json-writer.o $(OBJ)/tools/json-writer.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

# The provider test loads hidphone.tsp as a host does; it links only the host and the
# recording writer it makes its fixtures with.
$(BUILDDIR)/test/test-provider $(BUILDDIR)/test/test-provider-fixtures: \
		$(BUILDDIR)/test/%: $(OBJ)/test/%.o $(OBJ)/tools/tapi-host.o $(OBJ)/test/test-util.o \
			$(OBJ)/test/expect-file.o $(CORE_LIB) | $(PROVIDER)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) -lcmocka -ldl $(PKG_LIBS) -pthread

# Phones plugged in and out inside the provider: linked with its objects, the test is the
# udev monitor (tsp/hotplug.h). A configured line on 127.0.0.1:16950.
$(OBJ)/test/test-provider-replug.o: HP_CFLAGS += $(CALLS_CFLAGS)
$(BUILDDIR)/test/test-provider-replug: $(OBJ)/test/test-provider-replug.o $(TSP_OBJS) \
				      $(CALLS_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(PKG_LIBS) $(CALLS_LIBS) -pthread

# The provider's lines as a host drives them, against baresip (test/call-peer.c) on
# 127.0.0.1 ports 16100-16699, each test on ports of its own.
$(OBJ)/test/test-line.o: HP_CFLAGS += $(CALLS_CFLAGS)
$(BUILDDIR)/test/test-line: $(OBJ)/test/test-line.o $(OBJ)/tools/tapi-host.o \
		$(OBJ)/test/test-util.o $(OBJ)/test/call-peer.o $(CORE_LIB) | $(PROVIDER)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) -lcmocka -ldl $(PKG_LIBS) \
		$(CALLS_LIBS) -pthread

# The cadences are tsp/ code that needs only the loop: linked directly, clock and all.
$(BUILDDIR)/test/test-lamp-cadence: $(OBJ)/test/test-lamp-cadence.o $(OBJ)/tsp/lamp-cadence.o \
				    $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(PKG_LIBS) -pthread
$(BUILDDIR)/test/test-line-dial: $(OBJ)/test/test-line-dial.o $(OBJ)/tsp/line-dial.o $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(PKG_LIBS) -pthread
# The call engine's tests: the configuration parser alone, and the engine against a real
# baresip (test/call-peer.c starts and drives it) and kamailio as registrar
# (test/call-registrar.c) on 127.0.0.1 ports 15100-15399.
$(BUILDDIR)/test/test-call-config: $(OBJ)/test/test-call-config.o \
				   $(CALLS_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka
$(BUILDDIR)/test/test-call-engine: $(OBJ)/test/test-call-engine.o $(OBJ)/test/call-peer.o \
				   $(OBJ)/test/call-registrar.o $(CALLS_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(CALLS_LIBS)

# The runtime's tests are applications of libtapi32 on replayed phones of hidphone.tsp.
$(BUILDDIR)/test/test-tapi: $(OBJ)/test/test-tapi.o $(OBJ)/test/test-tapi-util.o $(OBJ)/test/test-util.o \
		$(CORE_LIB) \
		$(LIBTAPI) | $(PROVIDER)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(TAPI_APP_LIBS) -lcmocka \
		$(PKG_LIBS) -pthread

# The line half against baresip (test/call-peer.c), on 127.0.0.1 ports 17300-17599.
# It also runs examples/line-call against baresip.
$(OBJ)/test/test-tapi-line.o: HP_CFLAGS += $(CALLS_CFLAGS)
$(OBJ)/test/test-tapi-line.o: TEST_CFLAGS += -DLINE_EXAMPLE='"$(abspath $(LINE_EXAMPLE))"'
$(BUILDDIR)/test/test-tapi-line: $(OBJ)/test/test-tapi-line.o $(OBJ)/test/test-tapi-util.o \
		$(OBJ)/test/test-util.o $(OBJ)/test/call-peer.o $(CORE_LIB) $(LIBTAPI) | $(PROVIDER) \
		$(LINE_EXAMPLE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(TAPI_APP_LIBS) -lcmocka \
		$(PKG_LIBS) $(CALLS_LIBS) -pthread

# phonectl call, answer and hangup against baresip on 127.0.0.1 ports 17700-17799.
$(OBJ)/test/test-phonectl-call.o: HP_CFLAGS += $(CALLS_CFLAGS)
$(OBJ)/test/test-phonectl-call.o: TEST_CFLAGS += -DTEST_PHONECTL='"$(abspath $(PHONECTL))"'
$(BUILDDIR)/test/test-phonectl-call: $(OBJ)/test/test-phonectl-call.o $(OBJ)/test/test-util.o \
		$(OBJ)/test/call-peer.o $(CORE_LIB) | $(PROVIDER) $(PHONECTL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) -lcmocka $(PKG_LIBS) \
		$(CALLS_LIBS) -pthread

# A provider the test drives, for what a real phone cannot be made to do on cue.
$(BUILDDIR)/test/fake.tsp: $(OBJ)/test/test-tapi-fake-tsp.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -o $@ $^ -pthread

$(OBJ)/test/test-tapi-fake.o: TEST_CFLAGS += -DFAKE_TSP='"$(abspath $(BUILDDIR))/test/fake.tsp"'

$(BUILDDIR)/test/test-tapi-fake: $(OBJ)/test/test-tapi-fake.o $(OBJ)/test/test-tapi-util.o \
		$(CORE_LIB) $(LIBTAPI) | $(BUILDDIR)/test/fake.tsp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(TAPI_APP_LIBS) -lcmocka -ldl \
		$(PKG_LIBS) -pthread

$(BUILDDIR)/test/test-tapi-text: $(OBJ)/test/test-tapi-text.o $(OBJ)/tapi/tapi-text.o \
		$(OBJ)/tapi/tapi-providers.o $(OBJ)/tapi/tapi-registry.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka -ldl -pthread

# The descriptors' .expect files have one reader (test/expect-file.c).
$(BUILDDIR)/test/test-real-descriptors: $(OBJ)/test/expect-file.o

# Recordings' T: lines are words to hid/; the test reads them as TAPI does, with tools/'s names.
$(BUILDDIR)/test/test-recording: $(OBJ)/tools/tapi-names.o

$(BUILDDIR)/test/%: $(OBJ)/test/%.o $(OBJ)/test/test-util.o $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(PKG_LIBS) -pthread

# The tests see the profiles they name and no others: none installed, none in /etc (a
# shipped profile would change what the fixtures' tests expect of their descriptors).
check-unit check-tools check-udev check-valgrind: export HIDPHONE_PROFILES ?= $(CURDIR)/test/data/profiles-none

# A test binary that does not end (a deadlock) is stopped and fails, instead of holding the
# suite until CI's own limit.
UNIT_TIMEOUT ?= 600
check-unit: $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; \
		timeout -k 10 $(UNIT_TIMEOUT) $$t || { rc=$$?; [ $$rc -ne 124 ] || \
		echo "$$t: still running after $(UNIT_TIMEOUT) s: stopped" >&2; exit $$rc; }; done

# The same unit tests, built again with AddressSanitizer and UndefinedBehaviorSanitizer.
SANITIZE_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		  -fno-sanitize-recover=all
check-sanitize: | $(DEPS_CHECK)
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/sanitize \
		CFLAGS="$(SANITIZE_FLAGS)" LDFLAGS="-fsanitize=address,undefined" check-unit check-tools check-udev

# The provider's threads (readers, dispatch, requests from several host threads) under
# ThreadSanitizer: the provider and the tests that drive it, built again in $(BUILDDIR)/tsan.
TSAN_FLAGS := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
TSAN_TESTS := test-transport-replay test-event-loop test-provider test-provider-fixtures \
	      test-provider-replug test-tapi test-tapi-fake test-line test-tapi-line
check-tsan: | $(DEPS_CHECK)
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 $(TSAN_OPTIONS)" \
		$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/tsan CFLAGS="$(TSAN_FLAGS)" \
		LDFLAGS="-fsanitize=thread" UNIT_TESTS="$(TSAN_TESTS)" check-unit

# The provider tests under valgrind's memcheck (the normal build): invalid accesses,
# uninitialised reads and leaks (definite and indirect) fail them.
VALGRIND := valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --show-leak-kinds=definite,indirect --error-exitcode=1
VALGRIND_TESTS := $(BUILDDIR)/test/test-provider $(BUILDDIR)/test/test-provider-fixtures \
		  $(BUILDDIR)/test/test-tapi $(BUILDDIR)/test/test-tapi-fake
check-valgrind: $(VALGRIND_TESTS) | $(DEPS_CHECK)
	@set -e; for t in $(VALGRIND_TESTS); do echo "== valgrind $$t"; $(VALGRIND) $$t; done

check-abi: | $(DEPS_CHECK)
	@CC="$(CC)" CLANG="$(CLANG)" BUILDDIR="$(BUILDDIR)" sh test/abi/check-abi.sh

check-tools: $(PHONECTL) $(PROVIDER) check-tapi-example | $(DEPS_CHECK)
	@PHONECTL=$(PHONECTL) sh test/test-phonectl.sh
	@PHONECTL=$(PHONECTL) sh test/test-phonectl-more.sh
	@PHONECTL=$(PHONECTL) sh test/test-phonectl-profile.sh

# The example application against a replayed call: its lamp request answered, the hook and
# the keys of the recording printed.
check-tapi-example: $(EXAMPLE) $(PROVIDER) | $(DEPS_CHECK)
	@echo "== $(EXAMPLE)"
	@out=$$(TAPI_PROVIDERS=$(abspath $(PROVIDER)) \
		HIDPHONE_DEVICES=replay+fast:$(DEMO_RECORDING) $(EXAMPLE)) || exit 1; \
	echo "$$out"; \
	for want in '^reply to request [0-9]*: 0$$' '^hook: off hook$$' '^key 5 pressed$$' \
		    '^key 20 pressed$$' '^hook: on hook$$'; do \
		echo "$$out" | grep -q "$$want" || { echo "example: no line $$want"; exit 1; }; \
	done

check: check-unit check-tools check-udev check-abi check-sanitize check-tsan check-valgrind
	@echo "make check: all suites passed"

# What the provider costs with 1, 32 and 128 phones (threads, idle wakeups, memory, open and
# close time), printed.
$(BUILDDIR)/test/bench-provider: $(OBJ)/test/bench-provider.o $(OBJ)/tools/tapi-host.o $(CORE_LIB) \
				 | $(PROVIDER)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) -ldl $(PKG_LIBS) -pthread

$(OBJ)/test/bench-calls.o: HP_CFLAGS += $(CALLS_CFLAGS)
$(BUILDDIR)/test/bench-calls: $(OBJ)/test/bench-calls.o $(OBJ)/test/call-peer.o $(CALLS_LIB) \
			       $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CALLS_LIBS)

# Input report → phoneGetMessage against the provider's callback, through a shim provider.
$(BUILDDIR)/test/bench-tapi-shim.tsp: $(OBJ)/test/bench-tapi-shim.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -o $@ $^ -ldl

$(OBJ)/test/bench-tapi.o: TEST_CFLAGS += -DBENCH_SHIM='"$(abspath $(BUILDDIR))/test/bench-tapi-shim.tsp"' \
	-DBENCH_TSP='"$(abspath $(PROVIDER))"'

$(BUILDDIR)/test/bench-tapi: $(OBJ)/test/bench-tapi.o $(OBJ)/test/test-tapi-util.o $(CORE_LIB) \
		$(LIBTAPI) | $(PROVIDER) $(BUILDDIR)/test/bench-tapi-shim.tsp
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(TAPI_APP_LIBS) -lcmocka -ldl \
		$(PKG_LIBS) -pthread

# One input report's cost on the loop, through a live replayed phone, with and without a
# listening line.
$(BUILDDIR)/test/bench-loop: $(OBJ)/test/bench-loop.o $(OBJ)/tools/tapi-host.o $(CORE_LIB) \
			     | $(PROVIDER)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) -ldl $(PKG_LIBS) -pthread

bench: $(BUILDDIR)/test/bench-provider $(BUILDDIR)/test/bench-calls $(BUILDDIR)/test/bench-tapi \
       $(BUILDDIR)/test/bench-loop
	@$(BUILDDIR)/test/bench-provider
	@$(BUILDDIR)/test/bench-loop
	@$(BUILDDIR)/test/bench-tapi
	@$(BUILDDIR)/test/bench-calls

# Real kernel, real USB stack: the fixtures as USB HID gadgets in a qemu guest (test/vm/).
check-vm: all
	@BUILDDIR="$(BUILDDIR)" CC="$(CC)" sh test/vm/run.sh

# The libusb transport on a real USB device: a CM109-like gadget that the kernel's cm109
# driver claims, in the same qemu guest (test/vm-libusb/steps), with the fixtures' step for
# the kernel-oracle comparison run.sh always makes.
VM_LIBUSB_CHECK := $(BUILDDIR)/vm-libusb/usb-transport-check
$(VM_LIBUSB_CHECK): test/vm-libusb/usb-transport-check.c hid/transport-libusb.c | $(DEPS_CHECK)
	@mkdir -p $(@D)
	$(CC) -std=c11 $(WARNINGS) -D_GNU_SOURCE -I. $(PKG_CFLAGS) -O2 -g -o $@ $^ $(PKG_LIBS)

# Step 91: the provider with a CM109 phone: the gadget side (cm109-gadget), a TAPI host
# (cm109-host) and the shipped profile, which goes in beside the programs.
VM_LIBUSB_GADGET := $(BUILDDIR)/vm-libusb/cm109-gadget
VM_LIBUSB_HOST := $(BUILDDIR)/vm-libusb/cm109-host
$(VM_LIBUSB_GADGET): test/vm-libusb/cm109-gadget.c
	@mkdir -p $(@D)
	$(CC) -std=c11 $(WARNINGS) -D_GNU_SOURCE -O2 -g -o $@ $^
$(VM_LIBUSB_HOST): test/vm-libusb/cm109-host.c tools/tapi-host.c
	@mkdir -p $(@D)
	$(CC) -std=c11 $(WARNINGS) -D_GNU_SOURCE -I. -Iinclude -Itools -O2 -g -o $@ $^ -ldl -pthread

check-vm-libusb: all $(VM_LIBUSB_CHECK) $(VM_LIBUSB_GADGET) $(VM_LIBUSB_HOST)
	@BUILDDIR="$(BUILDDIR)" CC="$(CC)" E2E_EXTRA_STEPS="$(CURDIR)/test/vm-libusb/steps" \
		E2E_EXTRA_BINS="$(abspath $(VM_LIBUSB_CHECK) $(VM_LIBUSB_GADGET) $(VM_LIBUSB_HOST)) \
		$(CURDIR)/devices/data/60-cmedia-cm109.phone $(CURDIR)/test/vm-libusb/cm109-lib.sh" \
		E2E_EXTRA_MODULES=cm109 \
		E2E_APPEND="e2e.steps=10-fixtures,90-cm109-libusb,91-cm109-phone $(E2E_APPEND)" \
		sh test/vm/run.sh

# --- fuzzing ----------------------------------------------------------------------------

FUZZ_DIR := $(BUILDDIR)/fuzz
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE $(RE_CFLAGS) -I. -Iinclude -g -O1 \
	      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(FUZZ_DIR)/fuzz-%: test/fuzz-%.c $(CORE_SRCS) | $(DEPS_CHECK)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) $(PKG_CFLAGS) -o $@ $< $(CORE_SRCS) $(PKG_LIBS) -pthread

$(FUZZ_DIR)/fuzz-config: test/fuzz-config.c calls/config-parse.c | $(DEPS_CHECK)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -o $@ $^

# libtapi32's readers of what others wrote: UTF-8, providers' structures, providers.conf.
TAPI_FUZZ_SRCS := tapi/tapi-text.c tapi/tapi-providers.c tapi/tapi-registry.c
$(FUZZ_DIR)/fuzz-tapi-text: test/fuzz-tapi-text.c $(TAPI_FUZZ_SRCS) | $(DEPS_CHECK)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) -o $@ $< $(TAPI_FUZZ_SRCS) -ldl -pthread

$(FUZZ_DIR)/hex2bin: test/hex2bin.c hid/hex-text.c | $(DEPS_CHECK)
	@mkdir -p $(@D)
	$(CC) $(HP_CFLAGS) $(CFLAGS) -o $@ $^

# Seeds: the real descriptors as raw bytes for the parser, as files for the loader, the
# recordings for the recording reader and replay, the example configurations for the
# hidphone.conf parser, and the profiles for the profile parser. FUZZ_SECONDS is shared out:
# 3/8 to the descriptor parser and codec, a quarter to each of the others but the profiles,
# an eighth to the profiles.
fuzz: $(FUZZ_DIR)/fuzz-rdesc $(FUZZ_DIR)/fuzz-rdesc-file $(FUZZ_DIR)/fuzz-recording \
      $(FUZZ_DIR)/fuzz-config $(FUZZ_DIR)/hex2bin $(FUZZ_DIR)/fuzz-tapi-text $(FUZZ_DIR)/fuzz-profile
	@mkdir -p $(FUZZ_DIR)/corpus-rdesc $(FUZZ_DIR)/corpus-rdesc-file $(FUZZ_DIR)/corpus-recording \
		$(FUZZ_DIR)/corpus-config $(FUZZ_DIR)/corpus-profile
	@cp test/data/config/*.conf $(FUZZ_DIR)/corpus-config/
	@for f in test/data/descriptors/*.rdesc.hex; do \
		$(FUZZ_DIR)/hex2bin $$f $(FUZZ_DIR)/corpus-rdesc/$$(basename $$f .rdesc.hex).bin; \
		cp $$f $(FUZZ_DIR)/corpus-rdesc-file/; done
	@cp test/data/recordings/*.hid $(FUZZ_DIR)/corpus-recording/
	@cp devices/data/*.phone test/data/profiles/*.phone $(FUZZ_DIR)/corpus-profile/
	@sh test/run-fuzz.sh $(FUZZ_DIR)/fuzz-rdesc $$(( $(FUZZ_SECONDS) * 3 / 8 )) $(FUZZ_DIR)/corpus-rdesc
	@sh test/run-fuzz.sh $(FUZZ_DIR)/fuzz-rdesc-file $$(( $(FUZZ_SECONDS) / 4 )) \
		$(FUZZ_DIR)/corpus-rdesc-file
	@sh test/run-fuzz.sh $(FUZZ_DIR)/fuzz-recording $$(( $(FUZZ_SECONDS) / 4 )) \
		$(FUZZ_DIR)/corpus-recording
	@sh test/run-fuzz.sh $(FUZZ_DIR)/fuzz-config $$(( $(FUZZ_SECONDS) / 4 )) \
		$(FUZZ_DIR)/corpus-config
	@mkdir -p $(FUZZ_DIR)/corpus-tapi-text && cp README test/data/tapi/* $(FUZZ_DIR)/corpus-tapi-text/
	@sh test/run-fuzz.sh $(FUZZ_DIR)/fuzz-tapi-text $$(( $(FUZZ_SECONDS) / 4 )) \
		$(FUZZ_DIR)/corpus-tapi-text
	@sh test/run-fuzz.sh $(FUZZ_DIR)/fuzz-profile $$(( $(FUZZ_SECONDS) / 8 )) \
		$(FUZZ_DIR)/corpus-profile

# --- running ----------------------------------------------------------------------------

DEMO_RECORDING := test/data/recordings/jabra-link-380c-call.hid

# The phones attached (hidphone-probe recognises them as udev does), each watched through
# the provider; with none, a recording of a call on a real device's descriptor.
run: all
	@phone=; for n in /sys/class/hidraw/hidraw*; do \
		[ -e "$$n" ] || continue; \
		if $(UDEV_PROBE) "$$n" 2>/dev/null | grep -q '^ID_HIDPHONE=1'; then \
			phone=/dev/$$(basename $$n); break; fi; done; \
	if [ -n "$$phone" ]; then \
		$(PHONECTL) monitor --panel "$$phone"; \
	else \
		echo "No telephony HID device is attached: replaying a call recorded on a"; \
		echo "Jabra Link 380 ($(DEMO_RECORDING)) through the provider."; echo; \
		sleep 2; $(PHONECTL) monitor --panel $(DEMO_RECORDING); \
	fi

# --- installing -------------------------------------------------------------------------

$(BUILDDIR)/hidphone.pc: hidphone.pc.in
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

$(BUILDDIR)/tapi32.pc: tapi/tapi32.pc.in
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

install: $(PROVIDER) $(PHONECTL) $(BUILDDIR)/hidphone.pc install-udev install-tapi
	install -D -m 0755 $(PROVIDER) $(DESTDIR)$(LIBDIR)/hidphone/hidphone.tsp
	install -d $(DESTDIR)$(PROFILES_DIR)
	install -m 0644 devices/data/*.phone $(DESTDIR)$(PROFILES_DIR)/
	install -D -m 0755 $(PHONECTL) $(DESTDIR)$(BINDIR)/phonectl
	install -D -m 0644 tools/phonectl.1 $(DESTDIR)$(MANDIR)/man1/phonectl.1
	install -D -m 0644 calls/hidphone.conf.5 $(DESTDIR)$(MANDIR)/man5/hidphone.conf.5
	install -D -m 0644 include/tspi.h $(DESTDIR)$(INCLUDEDIR)/hidphone/tspi.h
	install -D -m 0644 $(BUILDDIR)/hidphone.pc $(DESTDIR)$(PKGCONFIGDIR)/hidphone.pc

# libtapi32: the library under its soname, the link for -ltapi32, tapi.h beside tspi.h.
install-tapi: $(LIBTAPI) $(BUILDDIR)/tapi32.pc
	install -D -m 0755 $(LIBTAPI_SO) $(DESTDIR)$(LIBDIR)/$(LIBTAPI_SONAME)
	ln -sf $(LIBTAPI_SONAME) $(DESTDIR)$(LIBDIR)/libtapi32.so
	install -D -m 0644 include/tapi.h $(DESTDIR)$(INCLUDEDIR)/hidphone/tapi.h
	install -D -m 0644 $(BUILDDIR)/tapi32.pc $(DESTDIR)$(PKGCONFIGDIR)/tapi32.pc

uninstall-tapi:
	rm -f $(DESTDIR)$(LIBDIR)/$(LIBTAPI_SONAME) $(DESTDIR)$(LIBDIR)/libtapi32.so \
	      $(DESTDIR)$(INCLUDEDIR)/hidphone/tapi.h $(DESTDIR)$(PKGCONFIGDIR)/tapi32.pc

uninstall: uninstall-udev uninstall-tapi
	rm -f $(DESTDIR)$(BINDIR)/phonectl $(DESTDIR)$(INCLUDEDIR)/hidphone/tspi.h \
	      $(DESTDIR)$(PKGCONFIGDIR)/hidphone.pc $(DESTDIR)$(LIBDIR)/hidphone/hidphone.tsp \
	      $(DESTDIR)$(MANDIR)/man1/phonectl.1 $(DESTDIR)$(MANDIR)/man5/hidphone.conf.5
	rm -f $(addprefix $(DESTDIR)$(PROFILES_DIR)/,$(notdir $(wildcard devices/data/*.phone)))
	-rmdir $(DESTDIR)$(PROFILES_DIR) $(DESTDIR)$(DATADIR)/hidphone 2>/dev/null
	-rmdir $(DESTDIR)$(LIBDIR)/hidphone 2>/dev/null
	-rmdir $(DESTDIR)$(INCLUDEDIR)/hidphone 2>/dev/null

clean:
	rm -rf $(BUILDDIR)

-include $(shell find $(BUILDDIR)/obj $(BUILDDIR)/sanitize/obj -type f -name '*.d' 2>/dev/null)
