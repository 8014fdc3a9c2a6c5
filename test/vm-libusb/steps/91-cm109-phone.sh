# A CM109 phone through the provider: the gadget of step 90 (0d8c:000e, the kernel's cm109
# driver bound to it), now answering as the chip does (cm109-gadget: the keypad matrix, the
# buzzer bit), found by hidphone.tsp through the shipped profile (60-cmedia-cm109.phone:
# AttrProtocol=cm109, its keymap and buzzer) and driven through TSPI by cm109-host. Keys
# pressed on the gadget are PHONE_BUTTON, the green and red keys the handset's hook
# (PHONE_STATE), phoneSetRing the buzzer bit at the gadget; closing gives the interface back
# to cm109; unplugging while open is PHONE_CLOSE then PHONE_REMOVE; plugging it in again is
# PHONE_CREATE, and the phone it makes opens and reports a key. Before the provider runs,
# phonectl list (and describe --attached) show the phone, its profile, what the provider
# makes of it and the transport, found by the provider's own walker (devices/matrix-find.c);
# phonectl monitor and ring take the path list shows, and one another process holds is
# refused as claimed.

VID=0d8c PID=000e
G=/sys/kernel/config/usb_gadget/cm109p
F=$G/functions/hid.usb0
CHECK=usb-transport-check
# shellcheck source=SCRIPTDIR/../cm109-lib.sh
. /usr/local/bin/cm109-lib.sh
IN=/tmp/cm109-host.in
OUT=/tmp/cm109-host.out
KEYS=/tmp/cm109-keys
GLOG=/tmp/cm109-gadget.log

# expect PATTERN [SECONDS]: waits for a line of the host's output matching PATTERN (grep -E)
# after the mark (the line count when the command was sent).
MARK=0
host() {
	MARK=$(wc -l <"$OUT")
	echo "$*" >&3
}
expect() {
	i=0
	while [ $i -lt $((${2:-5} * 50)) ]; do
		tail -n +$((MARK + 1)) "$OUT" | grep -Eq "$1" && return 0
		usleep 20000
		i=$((i + 1))
	done
	echo "no line matching '$1' after line $MARK; the host said:"
	tail -n +$((MARK + 1)) "$OUT" | tail -n 20
	return 1
}
# gadget_says LINE: waits for LINE in the gadget's log after its line GMARK (gmark sets it).
GMARK=0
gmark() { GMARK=$(wc -l <"$GLOG"); }
gadget_says() {
	i=0
	while [ $i -lt 250 ]; do
		tail -n +$((GMARK + 1)) "$GLOG" | grep -q "^$1\$" && return 0
		usleep 20000
		i=$((i + 1))
	done
	echo "the gadget did not say '$1' after its line $GMARK:"
	cat "$GLOG"
	return 1
}
# key SCANCODE: a press held 200 ms, then the release
key() {
	echo "press $1" >"$KEYS"
	usleep 200000
	echo "release" >"$KEYS"
}

gadget_plug_in "cm109 phone" || exit 0
tap "cm109 phone: the kernel's cm109 driver has the gadget" wait_driver cm109
hidg_wait
rm -f "$KEYS" "$IN"
mkfifo "$KEYS" "$IN"
# cm109 polls the gadget while bound: the gadget answers it too, as the chip would.
cm109-gadget "$hidg" "$KEYS" >"$GLOG" 2>&1 &
gadget_pid=$!

# The shipped profile, and no other.
mkdir -p /tmp/cm109-profiles
cp /usr/local/bin/60-cmedia-cm109.phone /tmp/cm109-profiles/

# phonectl (run.sh puts it in the guest for step 72) with the same provider and profile.
# 0d8c:000e is 3468:14.
PCL=/tmp/cm109-phonectl
pc() {
	HIDPHONE_PROFILES=/tmp/cm109-profiles HIDPHONE_TSP=/usr/local/lib/hidphone.tsp \
		HIDPHONE_DEVICES= timeout 30 phonectl "$@"
}
pc list --json >$PCL-list.json 2>$PCL-list.err
pc list >$PCL-list.txt 2>>$PCL-list.err
tap "cm109 phone: phonectl list shows it: usb:BUS:ADDR:0, 0d8c:000e, a phone with a TAPI id, transport libusb, protocol cm109, the shipped profile, cm109 bound now" \
	jq -e '[.devices[] | select(.transport == "libusb")] | length == 1 and (.[0] |
		(.node | test("^usb:[0-9]+:[0-9]+:0$")) and .vendor_id == 3468 and .product_id == 14 and
		.phone and (.tapi_id | type == "number") and .scan.protocol == "cm109" and
		.scan.driver == "cm109" and (.scan.profiles | length == 1) and
		(.scan.profiles[0] | test("60-cmedia-cm109[.]phone:[0-9]+$")))' $PCL-list.json
tap "cm109 phone: phonectl list: what the provider makes of it: keypad 0-9 * #, hook switch, ringer" \
	jq -e '.devices[] | select(.transport == "libusb") | .scan.keypad == "0123456789*#" and
		.scan.hook_switch and .scan.ringer' $PCL-list.json
tap "cm109 phone: phonectl list (text): transport and capabilities lines" sh -c "
	grep -qx '  transport: libusb, cm109 keypad scan; kernel driver now: cm109 (the provider detaches it while the phone is open)' $PCL-list.txt &&
	grep -qx '  capabilities: keypad 0 1 2 3 4 5 6 7 8 9 \\* #, hook switch (handset), ringer (buzzer)' $PCL-list.txt"
sed 's/^/# phonectl list: /' $PCL-list.txt $PCL-list.err | head -n 30
# describe opens the phone through the provider (for button names): cm109 is detached
# for that while and given the interface back.
pc describe --attached --json >$PCL-describe.json 2>$PCL-describe.err
tap "cm109 phone: phonectl describe --attached: transport libusb, the profile, PHONECAPS with 12 keypad buttons, the handset's hook switch, one ring mode" \
	jq -e -s '[.[] | select(.transport == "libusb")] | length == 1 and (.[0] |
		.scan_protocol == "cm109" and .device.vendor_id == 3468 and
		(.profile.matched | length == 1) and .tapi.hookswitch_devs == 1 and
		.tapi.num_ring_modes == 1 and
		([.tapi.buttons[] | select(.mode == "KEYPAD")] | length == 12))' $PCL-describe.json
tap "cm109 phone: after describe, cm109 has the interface again" wait_driver cm109

# Every command that drives a phone takes the path list shows (usb:BUS:ADDR:IF): the
# provider in phonectl is pointed at that phone and opens it as for any host.
USBP=$(jq -r '.devices[] | select(.transport == "libusb") | .node' $PCL-list.json)
pc monitor --json --seconds 5 "$USBP" >$PCL-monitor.json 2>$PCL-monitor.err &
mon_pid=$!
tap "cm109 phone: phonectl monitor $USBP opens it (usbfs holds the interface)" wait_driver usbfs
usleep 300000
key 0x22
wait $mon_pid
MRC=$?
tap "cm109 phone: phonectl monitor $USBP sees key 5 (0x22): PHONE_BUTTON 5 down and up, exit 0 ($MRC)" \
	sh -c "[ $MRC = 0 ] && jq -e -s '
		any(.[]; .message == \"PHONE_BUTTON\" and .param1 == 5 and .param3 == 2) and
		any(.[]; .message == \"PHONE_BUTTON\" and .param1 == 5 and .param3 == 1)' $PCL-monitor.json"
sed 's/^/# phonectl monitor: /' $PCL-monitor.json $PCL-monitor.err | head -n 20
tap "cm109 phone: after monitor, cm109 has the interface again" wait_driver cm109
gmark
pc ring "$USBP" 1 >$PCL-ring.out 2>$PCL-ring.err
RRC=$?
tap "cm109 phone: phonectl ring $USBP 1 completes (exit $RRC)" \
	sh -c "[ $RRC = 0 ] && grep -qx 'completed: success' $PCL-ring.out"
tap "cm109 phone: phonectl ring drives the gadget's buzzer: output report 20 0f 0f 00" \
	gadget_says "buzzer on: 20 0f 0f 00"
sed 's/^/# phonectl ring: /' $PCL-ring.out $PCL-ring.err $GLOG | tail -n 12
# (Each phonectl run closes the phone, and cm109 drives the chip again: the buzzer is off
# by then, whichever of them turned it off.)
pc ring "$USBP" 0 >$PCL-ring.out 2>$PCL-ring.err
RRC=$?
tap "cm109 phone: phonectl ring $USBP 0 completes (exit $RRC)" \
	sh -c "[ $RRC = 0 ] && grep -qx 'completed: success' $PCL-ring.out"
tap "cm109 phone: after ring, cm109 has the interface again" wait_driver cm109
# A path no phone has: said so, with the path.
NOPATH=${USBP%:*:*}:127:0
pc lamp "$NOPATH" >$PCL-none.out 2>$PCL-none.err
NRC=$?
tap "cm109 phone: phonectl lamp $NOPATH: no such phone attached (exit $NRC)" \
	sh -c "[ $NRC = 1 ] && grep -q '^phonectl: $NOPATH: no such phone attached' $PCL-none.err"
# Its sound card is looked up from the usb: path in the guest's sysfs (bus/usb/devices,
# busnum and devnum): this gadget has no audio function (dummy_hcd offers no isochronous
# endpoints), so its USB device is found and has no audio interface, while an address
# nothing is at is told apart; list has no card for it either.
pc audio --seconds 0 "$USBP" >$PCL-audio.out 2>$PCL-audio.err
ARC=$?
tap "cm109 phone: phonectl audio $USBP: its USB device is found, with no audio interface (exit $ARC)" \
	sh -c "[ $ARC = 1 ] && grep -qx '$USBP: no sound card (its USB device has no audio interface)' $PCL-audio.out"
pc audio "$NOPATH" >$PCL-audio.out 2>>$PCL-audio.err
ARC=$?
tap "cm109 phone: phonectl audio $NOPATH: no USB device there (exit $ARC)" \
	sh -c "[ $ARC = 1 ] && grep -qx '$NOPATH: no sound card (no USB device at that bus and address)' $PCL-audio.out"
tap "cm109 phone: phonectl list: no sound card for it" \
	jq -e '.devices[] | select(.transport == "libusb") | .sound_card == null' $PCL-list.json
sed 's/^/# phonectl audio: /' $PCL-audio.err | head -n 5
: >"$OUT"
HIDPHONE_DEVICES=usb HIDPHONE_PROFILES=/tmp/cm109-profiles HIDPHONE_TSP=/usr/local/lib/hidphone.tsp \
	HIDPHONE_LOG=info cm109-host <"$IN" >"$OUT" 2>/tmp/cm109-host.err &
host_pid=$!
exec 3>"$IN"

host phones
tap "cm109 phone: the provider lists it (HIDPHONE_DEVICES=usb, the shipped profile)" expect '^phones 1$'
host caps
tap "cm109 phone: PHONECAPS: 12 keypad buttons, the handset's hook switch, one ring mode" \
	expect '^caps keypad=12 buttons=12 hook=0x1 ringmodes=1 '
grep '^caps' "$OUT" | sed 's/^/# /'
host open
tap "cm109 phone: phoneOpen" expect '^open 0x0$'
tap "cm109 phone: open, usbfs holds the interface (cm109 detached)" wait_driver usbfs
# Another process has it: phonectl is told so, with the path.
pc ring "$USBP" 1 >$PCL-busy.out 2>$PCL-busy.err
BRC=$?
tap "cm109 phone: phonectl ring $USBP while the host has it open: claimed by another process (exit $BRC)" \
	sh -c "[ $BRC = 1 ] && grep -q '$USBP: claimed by another process' $PCL-busy.err &&
		grep -q '^phonectl: $USBP: cannot open phone 0: PHONEERR_RESOURCEUNAVAIL' $PCL-busy.err"
sed 's/^/# phonectl ring (busy): /' $PCL-busy.out $PCL-busy.err | head -n 5

host wakeups 10
if expect '^wakeups ' 15; then
	w=$(grep '^wakeups' "$OUT" | tail -n 1 | cut -d' ' -f2)
	echo "# an open idle CM109 phone: $w context switches/s over 10 s (every provider thread)"
	if awk -v w="$w" 'BEGIN { exit !(w <= 1.0) }'; then
		tap_ok "cm109 phone: open and idle, at most 1 wakeup/s ($w)"
	else
		tap_not_ok "cm109 phone: open and idle, at most 1 wakeup/s ($w)"
	fi
else
	tap_not_ok "cm109 phone: open and idle, wakeups measured"
fi

# How many output reports a key costs (press and release), from the gadget's count.
count() {
	n0=$(grep -c '^got ' "$GLOG")
	echo count >"$KEYS"
	i=0
	while [ "$(grep -c '^got ' "$GLOG")" = "$n0" ] && [ $i -lt 100 ]; do usleep 20000; i=$((i + 1)); done
	grep '^got ' "$GLOG" | tail -n 1 | cut -d' ' -f2
}
c0=$(count)
host mark
key 0x22
tap "cm109 phone: key 5 on the gadget (0x22) is PHONE_BUTTON 5 down" \
	expect '^event PHONE_BUTTON 5 8 2$'
tap "cm109 phone: and up" expect '^event PHONE_BUTTON 5 8 1$'
c1=$(count)
echo "# key 5 pressed and released: $((c1 - c0)) output reports from the provider (the press: 4 columns and every column again; the release needs none)"
host mark
key 0x81
tap "cm109 phone: key # (0x81) is PHONE_BUTTON 11 down" expect '^event PHONE_BUTTON 11 8 2$'
tap "cm109 phone: and up" expect '^event PHONE_BUTTON 11 8 1$'
host mark
key 0x88
tap "cm109 phone: the green key (0x88) lifts the handset: PHONE_STATE HANDSETHOOKSWITCH MICSPEAKER" \
	expect '^event PHONE_STATE 512 8 0$'
host mark
key 0x48
tap "cm109 phone: the red key (0x48) puts it down: PHONE_STATE HANDSETHOOKSWITCH ONHOOK" \
	expect '^event PHONE_STATE 512 1 0$'

gmark
host ring 1
tap "cm109 phone: phoneSetRing(1) completes" expect '^ring 1 result 0x0$'
tap "cm109 phone: the gadget's buzzer goes on: output report 20 0f 0f 00 (bit 0x20 of byte 0)" \
	gadget_says "buzzer on: 20 0f 0f 00"
host ring 0
tap "cm109 phone: phoneSetRing(0) completes" expect '^ring 0 result 0x0$'
tap "cm109 phone: the buzzer goes off: 00 0f 0f 00" gadget_says "buzzer off: 00 0f 0f 00"

host close
tap "cm109 phone: phoneClose" expect '^close 0x0$'
tap "cm109 phone: after close the interface is back with cm109" wait_driver cm109

host open
tap "cm109 phone: opened again" expect '^open 0x0$'
tap "cm109 phone: usbfs holds it again" wait_driver usbfs
usleep 300000
echo "" >"$G/UDC"
host wait PHONE_CLOSE 10
tap "cm109 phone: unplugged while open: PHONE_CLOSE" expect '^seen PHONE_CLOSE$' 12
host wait PHONE_REMOVE 10
tap "cm109 phone: and PHONE_REMOVE" expect '^seen PHONE_REMOVE$' 12

# Plugged in again while the provider runs: the udev monitor makes it a phone.
host mark
echo "$UDC_NAME" >"$G/UDC"
tap "cm109 phone: plugged in again: PHONE_CREATE (hotplug through the udev monitor)" \
	expect '^event PHONE_CREATE ' 10
# The phone it makes is usable: TAPI adopts it, it opens, a key reaches the host.
host adopt 5
tap "cm109 phone: CreatePhoneDevice(temp id, 1) adopts the re-plugged phone" expect '^adopt 1 0x0$'
host open 1
tap "cm109 phone: the re-plugged phone (id 1) opens" expect '^open 0x0$'
tap "cm109 phone: usbfs holds the re-plugged phone's interface" wait_driver usbfs
host mark
key 0x22
tap "cm109 phone: re-plugged, key 5 (0x22) is PHONE_BUTTON 5 down" \
	expect '^event PHONE_BUTTON 5 8 2$'
tap "cm109 phone: and up" expect '^event PHONE_BUTTON 5 8 1$'
host close
tap "cm109 phone: the re-plugged phone closes" expect '^close 0x0$'
tap "cm109 phone: and cm109 has the interface again" wait_driver cm109

host quit
exec 3>&-
i=0
while kill -0 $host_pid 2>/dev/null && [ $i -lt 250 ]; do usleep 20000; i=$((i + 1)); done
if kill -0 $host_pid 2>/dev/null; then
	tap_not_ok "cm109 phone: the host shuts the provider down"
	kill $host_pid
else
	tap_ok "cm109 phone: the host shuts the provider down"
fi
echo "quit" >"$KEYS"
sed 's/^/# host: /' "$OUT" | grep -v 'event PHONE_STATE 1024' | head -n 60
sed 's/^/# provider: /' /tmp/cm109-host.err | tail -n 30
sed 's/^/# gadget: /' "$GLOG" | head -n 20
kill $gadget_pid 2>/dev/null
gadget_remove
