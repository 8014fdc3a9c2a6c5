# hidphone: a TSPI provider for USB HID phones. See README for the layout and the commands.

VERSION      := 0.1.0
PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
DATADIR      ?= $(PREFIX)/share
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR       ?= $(DATADIR)/man
BUILDDIR     ?= build
FUZZ_SECONDS ?= 60

CC      ?= cc
CLANG   ?= clang
CFLAGS  ?= -O2 -g
PKGS    := hidapi-hidraw libusb-1.0 libudev alsa

# Expanded only when a recipe runs, i.e. after the dependency check below has installed
# the packages pkg-config asks about.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lm

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	    -Wformat=2 -Wvla -Wpointer-arith -Wundef
HP_CFLAGS = -std=c11 $(WARNINGS) -fPIC -fvisibility=hidden -D_GNU_SOURCE -I. -Iinclude \
	    -MMD -MP $(PKG_CFLAGS)

HID_SRCS := hid/rdesc-parse.c hid/rdesc-load.c hid/field-codec.c hid/hex-text.c \
	    hid/usage-names.c hid/hidraw-node.c hid/recording.c hid/transport-replay.c \
	    hid/transport-hidraw.c
DEV_SRCS := devices/telephony-map.c devices/phone-model.c \
	    devices/audio-card.c devices/audio-mixer.c devices/audio-ring.c
CORE_SRCS := $(HID_SRCS) $(DEV_SRCS)
TSP_SRCS := tsp/provider.c tsp/discovery.c tsp/phone-io.c tsp/phone-caps.c \
	    tsp/phone-control.c tsp/dispatch.c tsp/errors.c tsp/log.c tsp/varstruct.c \
	    tsp/button-info.c tsp/hotplug.c
TOOL_SRCS := tools/phonectl.c tools/phonectl-describe.c tools/json-writer.c \
	     tools/tapi-host.c tools/tapi-names.c tools/phonectl-session.c \
	     tools/phonectl-replay.c tools/phonectl-monitor.c tools/phonectl-control.c \
	     tools/phonectl-list.c tools/phonectl-record.c tools/phonectl-raw.c \
	     tools/phonectl-audio.c

UNIT_TESTS := test-rdesc-parse test-field-codec test-rdesc-load test-usage-names \
	      test-real-descriptors test-telephony-map test-json-writer test-phone-model \
	      test-recording test-transport-replay test-provider test-provider-fixtures \
	      test-audio-card test-audio-mixer

OBJ := $(BUILDDIR)/obj
CORE_OBJS := $(CORE_SRCS:%.c=$(OBJ)/%.o)
TSP_OBJS  := $(TSP_SRCS:%.c=$(OBJ)/%.o)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(OBJ)/%.o)
CORE_LIB  := $(BUILDDIR)/libhidphone-core.a
PHONECTL  := $(BUILDDIR)/phonectl
PROVIDER  := $(BUILDDIR)/hidphone.tsp
TEST_BINS := $(UNIT_TESTS:%=$(BUILDDIR)/test/%)

DEPS_BUILD := $(BUILDDIR)/.deps-build
DEPS_CHECK := $(BUILDDIR)/.deps-check

include udev/udev.mk

.PHONY: all check check-unit check-sanitize check-tsan check-valgrind check-abi check-tools \
	check-vm fuzz run install uninstall clean
.DEFAULT_GOAL := all

all: $(PROVIDER) $(PHONECTL) $(UDEV_PROBE)

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

$(CORE_LIB): $(CORE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(PHONECTL): $(TOOL_OBJS) $(CORE_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -ldl -pthread

# The provider: a shared object that exports the TSPI_* functions and nothing else
# (everything is built with -fvisibility=hidden; include/tspi.h marks the entry points).
$(PROVIDER): $(TSP_OBJS) $(CORE_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-z,defs -Wl,--as-needed -o $@ $^ $(PKG_LIBS) -pthread

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
			$(CORE_LIB) | $(PROVIDER)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) -lcmocka -ldl $(PKG_LIBS) -pthread

$(BUILDDIR)/test/%: $(OBJ)/test/%.o $(OBJ)/test/test-util.o $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(PKG_LIBS) -pthread

check-unit: $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; $$t; done

# The same unit tests, built again with AddressSanitizer and UndefinedBehaviorSanitizer.
SANITIZE_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		  -fno-sanitize-recover=all
check-sanitize: | $(DEPS_CHECK)
	@$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/sanitize \
		CFLAGS="$(SANITIZE_FLAGS)" LDFLAGS="-fsanitize=address,undefined" check-unit check-tools check-udev

# The provider's threads (readers, dispatch, requests from several host threads) under
# ThreadSanitizer: the provider and the tests that drive it, built again in $(BUILDDIR)/tsan.
TSAN_FLAGS := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
TSAN_TESTS := test-transport-replay test-provider test-provider-fixtures
check-tsan: | $(DEPS_CHECK)
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 $(TSAN_OPTIONS)" \
		$(MAKE) --no-print-directory BUILDDIR=$(BUILDDIR)/tsan CFLAGS="$(TSAN_FLAGS)" \
		LDFLAGS="-fsanitize=thread" UNIT_TESTS="$(TSAN_TESTS)" check-unit

# The provider tests under valgrind's memcheck (the normal build): invalid accesses,
# uninitialised reads and leaks (definite and indirect) fail them.
VALGRIND := valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --show-leak-kinds=definite,indirect --error-exitcode=1
VALGRIND_TESTS := $(BUILDDIR)/test/test-provider $(BUILDDIR)/test/test-provider-fixtures
check-valgrind: $(VALGRIND_TESTS) | $(DEPS_CHECK)
	@set -e; for t in $(VALGRIND_TESTS); do echo "== valgrind $$t"; $(VALGRIND) $$t; done

check-abi: | $(DEPS_CHECK)
	@CC="$(CC)" CLANG="$(CLANG)" BUILDDIR="$(BUILDDIR)" sh test/abi/check-abi.sh

check-tools: $(PHONECTL) $(PROVIDER) | $(DEPS_CHECK)
	@PHONECTL=$(PHONECTL) sh test/test-phonectl.sh
	@PHONECTL=$(PHONECTL) sh test/test-phonectl-more.sh

check: check-unit check-tools check-udev check-abi check-sanitize check-tsan check-valgrind
	@echo "make check: all suites passed"

# What the provider costs (idle wakeups, memory and open time with 32 phones), printed.
$(BUILDDIR)/test/bench-provider: $(OBJ)/test/bench-provider.o $(OBJ)/tools/tapi-host.o $(CORE_LIB) \
				 | $(PROVIDER)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) -ldl $(PKG_LIBS) -pthread

bench: $(BUILDDIR)/test/bench-provider
	@$(BUILDDIR)/test/bench-provider

# Real kernel, real USB stack: the fixtures as USB HID gadgets in a qemu guest (test/vm/).
check-vm: all
	@BUILDDIR="$(BUILDDIR)" CC="$(CC)" sh test/vm/run.sh

# --- fuzzing ----------------------------------------------------------------------------

FUZZ_DIR := $(BUILDDIR)/fuzz
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -I. -Iinclude -g -O1 \
	      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(FUZZ_DIR)/fuzz-%: test/fuzz-%.c $(CORE_SRCS) | $(DEPS_CHECK)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_FLAGS) $(PKG_CFLAGS) -o $@ $< $(CORE_SRCS) $(PKG_LIBS) -pthread

$(FUZZ_DIR)/hex2bin: test/hex2bin.c hid/hex-text.c | $(DEPS_CHECK)
	@mkdir -p $(@D)
	$(CC) $(HP_CFLAGS) $(CFLAGS) -o $@ $^

# Seeds: the real descriptors as raw bytes for the parser, as files for the loader, and
# the recordings for the recording reader and replay. FUZZ_SECONDS is shared out: half to
# the descriptor parser and codec, a quarter to each of the others.
fuzz: $(FUZZ_DIR)/fuzz-rdesc $(FUZZ_DIR)/fuzz-rdesc-file $(FUZZ_DIR)/fuzz-recording \
      $(FUZZ_DIR)/hex2bin
	@mkdir -p $(FUZZ_DIR)/corpus-rdesc $(FUZZ_DIR)/corpus-rdesc-file $(FUZZ_DIR)/corpus-recording
	@for f in test/data/descriptors/*.rdesc.hex; do \
		$(FUZZ_DIR)/hex2bin $$f $(FUZZ_DIR)/corpus-rdesc/$$(basename $$f .rdesc.hex).bin; \
		cp $$f $(FUZZ_DIR)/corpus-rdesc-file/; done
	@cp test/data/recordings/*.hid $(FUZZ_DIR)/corpus-recording/
	@sh test/run-fuzz.sh $(FUZZ_DIR)/fuzz-rdesc $$(( $(FUZZ_SECONDS) / 2 )) $(FUZZ_DIR)/corpus-rdesc
	@sh test/run-fuzz.sh $(FUZZ_DIR)/fuzz-rdesc-file $$(( $(FUZZ_SECONDS) / 4 )) \
		$(FUZZ_DIR)/corpus-rdesc-file
	@sh test/run-fuzz.sh $(FUZZ_DIR)/fuzz-recording $$(( $(FUZZ_SECONDS) / 4 )) \
		$(FUZZ_DIR)/corpus-recording

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

install: $(PROVIDER) $(PHONECTL) $(BUILDDIR)/hidphone.pc install-udev
	install -D -m 0755 $(PROVIDER) $(DESTDIR)$(LIBDIR)/hidphone/hidphone.tsp
	install -D -m 0755 $(PHONECTL) $(DESTDIR)$(BINDIR)/phonectl
	install -D -m 0644 tools/phonectl.1 $(DESTDIR)$(MANDIR)/man1/phonectl.1
	install -D -m 0644 include/tspi.h $(DESTDIR)$(INCLUDEDIR)/hidphone/tspi.h
	install -D -m 0644 $(BUILDDIR)/hidphone.pc $(DESTDIR)$(PKGCONFIGDIR)/hidphone.pc

uninstall: uninstall-udev
	rm -f $(DESTDIR)$(BINDIR)/phonectl $(DESTDIR)$(INCLUDEDIR)/hidphone/tspi.h \
	      $(DESTDIR)$(PKGCONFIGDIR)/hidphone.pc $(DESTDIR)$(LIBDIR)/hidphone/hidphone.tsp \
	      $(DESTDIR)$(MANDIR)/man1/phonectl.1
	-rmdir $(DESTDIR)$(LIBDIR)/hidphone 2>/dev/null
	-rmdir $(DESTDIR)$(INCLUDEDIR)/hidphone 2>/dev/null

clean:
	rm -rf $(BUILDDIR)

-include $(shell find $(BUILDDIR)/obj $(BUILDDIR)/sanitize/obj -type f -name '*.d' 2>/dev/null)
