# The libusb transport (hid/transport-libusb.c) on a real USB device: a gadget with the
# CM109's ids (0d8c:000e) and its 4-byte input and output reports, which the kernel's cm109
# driver claims (usbhid ignores the id, drivers/hid/hid-quirks.c), so no hidraw node serves
# it. Opening detaches cm109; an output report reaches the device as SET_REPORT; an input
# report comes from the interrupt endpoint; closing gives the interface back to cm109;
# unplugging while open ends a read with ENODEV.

VID=0d8c PID=000e
G=/sys/kernel/config/usb_gadget/cm109
F=$G/functions/hid.usb0
CHECK=usb-transport-check
# shellcheck source=SCRIPTDIR/../cm109-lib.sh
. /usr/local/bin/cm109-lib.sh

gadget_plug_in "cm109" || exit 0
tap_ok "cm109: gadget $VID:$PID plugged in"
tap "cm109: the kernel's cm109 driver claims it" wait_driver cm109
hidg_wait

# An input report the device sends while the transport waits.
(sleep 1; printf '\001\203\000\000' >"$hidg"; echo "device: status $?") >/tmp/cm109-dev0 2>&1 &
tap "cm109: an input report the device sends arrives" sh -c "$CHECK read $VID $PID"
sed 's/^/# /' /tmp/cm109-dev0
tap "cm109: the interface is back with cm109" wait_driver cm109

# An output report reaches the device as SET_REPORT: report id 0 (the chip numbers none)
# in wValue, the bytes as they are in the data stage, no id byte before them. (The input
# report is checked above, before any SET_REPORT: with this kernel's f_hid in
# no_out_endpoint mode, an input report written after the gadget has taken a SET_REPORT did
# not reach the host in our runs, with the transport's read waiting; a gadget matter, not
# one of the transport.)
rm -f /tmp/cm109-out
dd if="$hidg" of=/tmp/cm109-out bs=4 count=1 2>/dev/null &
dd_pid=$!
tap "cm109: open detaches cm109 (usbfs holds it); an output report goes out; interrupt() ends a read" \
	sh -c "$CHECK io $VID $PID 0 '00 0f 0f 00' >/tmp/cm109-io; rc=\$?; cat /tmp/cm109-io; exit \$rc"
i=0
while kill -0 $dd_pid 2>/dev/null && [ $i -lt 100 ]; do usleep 20000; i=$((i + 1)); done
got=$(od -An -tx1 /tmp/cm109-out 2>/dev/null | tr -s ' ' | sed 's/^ //')
if [ "$got" = "00 0f 0f 00" ]; then tap_ok "cm109: the device got the output report as SET_REPORT (00 0f 0f 00)"
else tap_not_ok "cm109: the device got the output report as SET_REPORT: '$got'"; fi
kill $dd_pid 2>/dev/null
tap "cm109: closing gives the interface back to cm109" wait_driver cm109

# Unplugged while open: the read ends with ENODEV.
$CHECK unplug $VID $PID >/tmp/cm109-unplug 2>&1 &
check_pid=$!
i=0
while ! grep -q '^open: usb:' /tmp/cm109-unplug && [ $i -lt 250 ]; do usleep 20000; i=$((i + 1)); done
usleep 200000
echo "" >"$G/UDC"
wait $check_pid
rc=$?
sed 's/^/# /' /tmp/cm109-unplug
if [ $rc -eq 0 ] && grep -q '^read: ENODEV$' /tmp/cm109-unplug; then
	tap_ok "cm109: unplugged while open, the read ends with ENODEV"
else
	tap_not_ok "cm109: unplugged while open, the read ends with ENODEV (exit $rc)"
fi

gadget_remove
