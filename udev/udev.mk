# udev integration: hidphone-probe and 70-hidphone.rules (see udev/README).
# Included by the top-level Makefile after OBJ, CORE_LIB and BUILDDIR are defined.

# udev runs a rule's bare program name from its own directory, so the probe goes there and
# not under PREFIX. Asked of pkg-config only when an install recipe expands it (the udev
# package ships udev.pc; it says /lib/udev on Debian 12).
UDEVDIR ?= $(or $(shell pkg-config --variable=udevdir udev 2>/dev/null),/lib/udev)

UDEV_PROBE := $(BUILDDIR)/hidphone-probe
UDEV_GEN := $(BUILDDIR)/hidphone-udev-gen
# Generated from devices/data/*.phone and kept in the tree, as libwacom keeps its rules.
UDEV_PROFILE_RULES := udev/69-hidphone-profiles.rules

.PHONY: install-udev uninstall-udev check-udev udev-rules

# Only the core objects the probe uses are pulled out of the archive, so it needs nothing
# at run time but libc: udev runs it for every hidraw node, early at boot.
$(UDEV_PROBE): $(OBJ)/udev/hidphone-probe.o $(CORE_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(UDEV_GEN): $(OBJ)/udev/hidphone-udev-gen.o $(CORE_LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# Writes the rules again after a profile changed (commit the result).
udev-rules: $(UDEV_GEN)
	$(UDEV_GEN) devices/data > $(UDEV_PROFILE_RULES).tmp
	mv $(UDEV_PROFILE_RULES).tmp $(UDEV_PROFILE_RULES)

install-udev: $(UDEV_PROBE)
	install -D -m 0755 $(UDEV_PROBE) $(DESTDIR)$(UDEVDIR)/hidphone-probe
	install -D -m 0644 udev/70-hidphone.rules $(DESTDIR)$(UDEVDIR)/rules.d/70-hidphone.rules
	install -D -m 0644 $(UDEV_PROFILE_RULES) \
		$(DESTDIR)$(UDEVDIR)/rules.d/69-hidphone-profiles.rules
	@if [ -z "$(DESTDIR)" ]; then \
		echo "udev: for phones already plugged in, run:" \
		     "udevadm trigger --action=change --subsystem-match=hidraw"; fi

uninstall-udev:
	rm -f $(DESTDIR)$(UDEVDIR)/hidphone-probe $(DESTDIR)$(UDEVDIR)/rules.d/70-hidphone.rules \
	      $(DESTDIR)$(UDEVDIR)/rules.d/69-hidphone-profiles.rules

check-udev: $(UDEV_PROBE) $(UDEV_GEN)
	@PROBE=$(UDEV_PROBE) sh test/test-udev-probe.sh
	@GEN=$(UDEV_GEN) sh test/test-udev-rules.sh
