#!/bin/sh
# phonectl list, record, feature and output, run as a user would.
#
# list reads a fake sysfs/dev/run tree built here from the real descriptors (HIDPHONE_SYSFS,
# HIDPHONE_DEV, HIDPHONE_RUN replace /sys, /dev and /run); record, feature and output take a
# recording as their DEVICE, played through a replay transport and the provider.
# PHONECTL is the binary; the provider is the hidphone.tsp beside it, or HIDPHONE_TSP.
set -u
PHONECTL=${PHONECTL:-build/phonectl}
DESC=test/data/descriptors
RECS=test/data/recordings
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
skip() { echo "skip - $*"; }
# Both leave the command's output in $tmp/out and $tmp/err, written only after it ran, so a
# check may read the previous command's output.
check() { # description command...
	desc=$1; shift
	if "$@" >"$tmp/out.new" 2>"$tmp/err"; then ok; else not_ok "$desc"; cat "$tmp/err"; fi
	mv "$tmp/out.new" "$tmp/out"
}
status_is() { # expected description command...
	want=$1; desc=$2; shift 2
	"$@" >"$tmp/out.new" 2>"$tmp/err"
	rc=$?
	mv "$tmp/out.new" "$tmp/out"
	if [ "$rc" -eq "$want" ]; then ok; else not_ok "$desc: exit $rc, expected $want"; cat "$tmp/err"; fi
}
same() { # description file1 file2
	if cmp -s "$2" "$3"; then ok; else not_ok "$1"; diff "$2" "$3" | head -20; fi
}

hex2bin() { tr -s ' \n' '\n' < "$1" | sed '/^$/d' | while read -r b; do printf "\\$(printf %03o "0x$b")"; done; }

# --- list: a fake tree -------------------------------------------------------------------
#
# /sys/class/hidraw/hidrawN -> /sys/devices/.../<usb device>/<interface>/<hid device>/hidraw/hidrawN,
# with the descriptor and uevent in the HID device and the USB strings two levels up, as the
# kernel lays them out.
SYS=$tmp/sys
DEV=$tmp/dev
RUN=$tmp/run
mkdir -p "$SYS/class/hidraw" "$DEV" "$RUN/udev/data"
chmod 755 "$tmp"

fake_hidraw() { # N descriptor-hex|-|@malformed VID PID interface manufacturer product
	n=$1 rdesc=$2 vid=$3 pid=$4 iface=$5 manufacturer=$6 product=$7
	rel=devices/pci0000:00/0000:00:14.0/usb1/1-$n/1-$n:1.$iface/0003:$vid:$pid.00$n
	hid=$SYS/$rel
	mkdir -p "$hid/hidraw/hidraw$n"
	echo "243:$n" > "$hid/hidraw/hidraw$n/dev"
	ln -s ../.. "$hid/hidraw/hidraw$n/device"
	ln -s "../../$rel/hidraw/hidraw$n" "$SYS/class/hidraw/hidraw$n"
	case $rdesc in
	-) ;;                                   # no report_descriptor: unreadable
	@malformed) printf '\005\013\011\005\241\001' > "$hid/report_descriptor" ;;
	*) hex2bin "$rdesc" > "$hid/report_descriptor" ;;
	esac
	printf 'DRIVER=hid-generic\nHID_ID=0003:0000%s:0000%s\nHID_NAME=%s %s\nHID_PHYS=usb-0000:00:14.0-%s/input%s\n' \
		"$vid" "$pid" "$manufacturer" "$product" "$n" "$iface" > "$hid/uevent"
	echo "0$iface" > "$hid/../bInterfaceNumber"
	echo "$manufacturer" > "$hid/../../manufacturer"
	echo "$product" > "$hid/../../product"
	: > "$DEV/hidraw$n"
	chmod 666 "$DEV/hidraw$n"
}

fake_hidraw 0 "$DESC/logitech-g535-negative-control.rdesc.hex" 046D 0AC4 3 Logitech "G535 Wireless Gaming Headset"
fake_hidraw 1 "$DESC/jabra-evolve-link-ms.rdesc.hex" 0B0E 0307 3 "GN Netcom A/S" "Jabra EVOLVE LINK MS"
fake_hidraw 2 @malformed 1234 5678 0 Acme "Broken Thing"
fake_hidraw 3 "$DESC/yealink-wh66.rdesc.hex" 6993 B0AE 3 Yealink "WH66"
fake_hidraw 4 "$DESC/jabra-link-380c.rdesc.hex" 0B0E 24C9 3 Jabra "Jabra Link 380"
fake_hidraw 5 - ABCD 0001 1 Acme "No Descriptor"
fake_hidraw 10 "$DESC/plantronics-blackwire-c5220.rdesc.hex" 047F C053 3 Plantronics "Blackwire 5220 Series"
rm "$DEV/hidraw4"                                   # udev never made the node
printf 'E:DEVNAME=/dev/hidraw3\nE:SUBSYSTEM=hidraw\n' > "$RUN/udev/data/c243:3"
printf 'E:ID_HIDPHONE=1\nE:ID_HIDPHONE_COLLECTION=0x000b0005\nG:uaccess\nG:seat\nQ:uaccess\n' > "$RUN/udev/data/c243:10"

# Nodes 3 and 10 are phones the user may not open. As root the nodes stay root's and
# phonectl runs as nobody, so access() gives the real EACCES; as a user they get mode 0.
as_user=""
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null 2>&1 && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
		chmod 600 "$DEV/hidraw3" "$DEV/hidraw10"
		owner=root mode=0600
	fi
else
	chmod 000 "$DEV/hidraw3" "$DEV/hidraw10"
	owner=$(id -un) mode=0000
fi
case $PHONECTL in
*/*) PHONECTL_ABS=$(cd "$(dirname "$PHONECTL")" && pwd)/$(basename "$PHONECTL") ;;
*) PHONECTL_ABS=$(command -v "$PHONECTL") ;;
esac
list() { env HIDPHONE_SYSFS="$SYS" HIDPHONE_DEV="$DEV" HIDPHONE_RUN="$RUN" $as_user "$PHONECTL_ABS" list "$@"; }

check "list" list
cp "$tmp/out" "$tmp/list.txt"
check "list --json" list --json
cp "$tmp/out" "$tmp/list.json"
check "global --json list" env HIDPHONE_SYSFS="$SYS" HIDPHONE_DEV="$DEV" HIDPHONE_RUN="$RUN" $as_user "$PHONECTL_ABS" --json list
same "--json before and after list" "$tmp/out" "$tmp/list.json"

j=$tmp/list.json
check "list json: every key, typed" jq -e '.devices | length == 7 and all(
    (.node | type == "string") and (.vendor_id | type == "number") and
    (.product_id | type == "number") and (.bus | type == "number") and
    (.interface == null or (.interface | type == "number")) and
    (.manufacturer == null or (.manufacturer | type == "string")) and
    (.product == null or (.product | type == "string")) and
    (.collections | type == "array") and (.collections | all(has("usage_page") and has("usage") and has("name"))) and
    (.phone | type == "boolean") and (.tapi_id == null or (.tapi_id | type == "number")) and
    (.accessible | type == "boolean") and (.reason == null or (.reason | type == "string")) and
    (.transport == "hidraw") and (.scan == null))' "$j"
check "list json: phones first, version order" jq -e --arg d "$DEV" \
	'[.devices[].node] == [$d+"/hidraw1", $d+"/hidraw3", $d+"/hidraw4", $d+"/hidraw10", $d+"/hidraw0", $d+"/hidraw2", $d+"/hidraw5"]' "$j"
check "list json: the Jabra" jq -e '.devices[0] | .phone and .vendor_id == 2830 and .product_id == 775 and
    .bus == 3 and .interface == 3 and .manufacturer == "GN Netcom A/S" and .product == "Jabra EVOLVE LINK MS" and
    .collections[0] == {"usage_page": 11, "usage": 5, "name": "Telephony.Headset"} and
    (.collections | length) == 3 and .accessible and .reason == null' "$j"
check "list json: no TAPI ids from a fake tree" jq -e '[.devices[].tapi_id] | all(. == null)' "$j"
check "list json: negative control" jq -e --arg d "$DEV" '.devices[] | select(.node == $d+"/hidraw0") |
    (.phone | not) and .reason == "no Telephony top-level collection" and .vendor_id == 1133' "$j"
check "list json: malformed descriptor" jq -e --arg d "$DEV" '.devices[] | select(.node == $d+"/hidraw2") |
    (.phone | not) and .reason == "descriptor malformed at byte 4: 1 collection(s) not closed at end of descriptor" and .collections == []' "$j"
check "list json: unreadable descriptor" jq -e --arg d "$DEV" '.devices[] | select(.node == $d+"/hidraw5") |
    (.phone | not) and .reason == "descriptor unreadable: No such file or directory"' "$j"
check "list json: missing node" jq -e --arg d "$DEV" '.devices[] | select(.node == $d+"/hidraw4") |
    .phone and (.accessible | not) and .reason == ($d+"/hidraw4 does not exist: udev has not created the node (is udev running?)")' "$j"
fix="install the udev rules: sudo make install, then replug or run sudo udevadm trigger --action=change --subsystem-match=hidraw"
if [ -n "$as_user" ] || [ "$(id -u)" -ne 0 ]; then
	check "list json: no permission, no udev tags" jq -e --arg d "$DEV" --arg r "no permission to open $DEV/hidraw3 (owner $owner, mode $mode); $fix; udev: ID_HIDPHONE not set, no uaccess tag" \
		'.devices[] | select(.node == $d+"/hidraw3") | .phone and (.accessible | not) and .reason == $r and .udev == {"record": true, "id_hidphone": false, "uaccess": false}' "$j"
	check "list json: no permission, rules already applied" jq -e --arg d "$DEV" --arg r "no permission to open $DEV/hidraw10 (owner $owner, mode $mode); $fix; udev: ID_HIDPHONE=1 and the uaccess tag are already set, so access goes to the user of the active local session on the seat only" \
		'.devices[] | select(.node == $d+"/hidraw10") | .phone and (.accessible | not) and .reason == $r and .udev.id_hidphone and .udev.uaccess' "$j"
	if grep -q "cannot be opened: no permission to open $DEV/hidraw3 (owner $owner, mode $mode); $fix" "$tmp/list.txt"; then ok; else not_ok "list text: permission reason"; fi
else
	skip "no permission checks: root without setpriv"
fi
if [ "$(head -1 "$tmp/list.txt")" = "$DEV/hidraw1  0b0e:0307  usb  interface 3  \"GN Netcom A/S Jabra EVOLVE LINK MS\"" ]; then ok
else not_ok "list text: first line is the Jabra: $(head -1 "$tmp/list.txt")"; fi
check "list text: phone line" grep -qx "  phone, TAPI id -" "$tmp/list.txt"
check "list text: collections" grep -qx "  collections: Telephony.Headset, Vendor.0xff00.0x0005, Consumer.ConsumerControl" "$tmp/list.txt"
check "list text: negative control" grep -qx "  not a phone: no Telephony top-level collection" "$tmp/list.txt"
check "list text: malformed" grep -qx "  not a phone: descriptor malformed at byte 4: 1 collection(s) not closed at end of descriptor" "$tmp/list.txt"

# The sound card of the same USB device (devices/audio-card.c): the Jabra EVOLVE LINK MS
# (hidraw1, USB device 1-1) gets card 2 on its interface 0; the Jabra Link 380 (1-4) none,
# although a card of another USB device (1-9) and a PCI card are there.
usbdev=$SYS/devices/pci0000:00/0000:00:14.0/usb1
echo DEVTYPE=usb_device > "$usbdev/uevent"
for d in 1-1 1-4 1-9; do mkdir -p "$usbdev/$d"; echo DEVTYPE=usb_device > "$usbdev/$d/uevent"; done
mkdir -p "$SYS/class/sound" "$usbdev/1-1/1-1:1.0/sound/card2/pcmC2D0p" "$usbdev/1-1/1-1:1.0/sound/card2/pcmC2D0c" \
	"$usbdev/1-9/1-9:1.0/sound/card1/pcmC1D0p" "$SYS/devices/pci0000:00/0000:00:1f.3/sound/card0/pcmC0D0p"
echo EVOLVE > "$usbdev/1-1/1-1:1.0/sound/card2/id"
echo Speaker > "$usbdev/1-9/1-9:1.0/sound/card1/id"
echo PCH > "$SYS/devices/pci0000:00/0000:00:1f.3/sound/card0/id"
ln -s ../../devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/sound/card2 "$SYS/class/sound/card2"
ln -s ../../devices/pci0000:00/0000:00:14.0/usb1/1-9/1-9:1.0/sound/card1 "$SYS/class/sound/card1"
ln -s ../../devices/pci0000:00/0000:00:1f.3/sound/card0 "$SYS/class/sound/card0"
check "list with sound cards" list --json
cp "$tmp/out" "$tmp/cards.json"
check "list json: the EVOLVE's sound card" jq -e '.devices[] | select(.product == "Jabra EVOLVE LINK MS") |
	.sound_card == {"card": 2, "id": "EVOLVE", "wave_out": 2, "wave_in": 2,
			"alsa_out": "plughw:CARD=EVOLVE,DEV=0", "alsa_in": "plughw:CARD=EVOLVE,DEV=0"}' "$tmp/cards.json"
check "list json: no card for the others" jq -e '[.devices[] | select(.product != "Jabra EVOLVE LINK MS") |
	.sound_card] | all(. == null)' "$tmp/cards.json"
check "list text with sound cards" list
cp "$tmp/out" "$tmp/cards.txt"
check "list text: the EVOLVE's sound card" grep -qx '  sound card 2 "EVOLVE": playback plughw:CARD=EVOLVE,DEV=0, capture plughw:CARD=EVOLVE,DEV=0' "$tmp/cards.txt"
check "list text: one sound card line" test "$(grep -c 'sound card' "$tmp/cards.txt")" = 1

# phonectl audio with a usb: path (a CM109-family phone, no hidraw node): the card of the USB
# device with that bus number and address, here 1-7 at address 7 with card 5 and no PCM (so
# nothing is played); the Speaker at 1-9 (address 9) beside it is another device's card.
mkdir -p "$usbdev/1-7"
echo DEVTYPE=usb_device > "$usbdev/1-7/uevent"
for d in 1-7 1-9; do echo 1 > "$usbdev/$d/busnum"; done
echo 7 > "$usbdev/1-7/devnum"
echo 9 > "$usbdev/1-9/devnum"
mkdir -p "$SYS/bus/usb/devices" "$usbdev/1-7/1-7:1.3" "$usbdev/1-7/1-7:1.0/sound/card5"
echo CM109 > "$usbdev/1-7/1-7:1.0/sound/card5/id"
ln -s ../../devices/pci0000:00/0000:00:14.0/usb1/1-7/1-7:1.0/sound/card5 "$SYS/class/sound/card5"
for d in 1-7 1-9; do ln -s "../../../devices/pci0000:00/0000:00:14.0/usb1/$d" "$SYS/bus/usb/devices/$d"; done
check "audio usb: path" env HIDPHONE_SYSFS="$SYS" "$PHONECTL" audio --seconds 0 usb:1:7:3
if [ "$(head -1 "$tmp/out")" = 'usb:1:7:3: sound card 5 "CM109" (USB device /devices/pci0000:00/0000:00:14.0/usb1/1-7)' ]; then ok
else not_ok "audio usb: path: card line: $(head -1 "$tmp/out")"; fi
check "audio usb: path: no PCM" grep -qx '  alsa/out: none' "$tmp/out"
status_is 1 "audio usb: path, no device there" env HIDPHONE_SYSFS="$SYS" "$PHONECTL" audio usb:1:8:3
check "audio usb: path, no device there: text" grep -qx 'usb:1:8:3: no sound card (no USB device at that bus and address)' "$tmp/out"
status_is 1 "audio usb: path, malformed" env HIDPHONE_SYSFS="$SYS" "$PHONECTL" audio usb:1:x:3
cp "$tmp/err" "$tmp/audio.err"
check "audio usb: path, malformed: text" grep -q 'usb:1:x:3: not a hidraw node or usb:BUS:ADDR:IF path' "$tmp/audio.err"

mkdir -p "$tmp/empty"
check "list: no hidraw at all" env HIDPHONE_SYSFS="$tmp/empty" "$PHONECTL" list --json
check "list: no hidraw, empty list" jq -e '.devices == []' "$tmp/out"
status_is 2 "list with an argument" "$PHONECTL" list extra
status_is 2 "list with an unknown option" "$PHONECTL" list --frobnicate

# --- record ------------------------------------------------------------------------------

# A call with dialled digits on the Jabra Link 380c descriptor: report 2, bit 0 Hook Switch,
# bits 7-10 the keypad (0-11 = keys 0..#, 12 = none): off hook, 5, 9, on hook.
keys=$tmp/keys.hid
{
	printf 'R: %s ' "$(hex2bin "$DESC/jabra-link-380c.rdesc.hex" | wc -c | tr -d ' ')"
	tr '\n' ' ' < "$DESC/jabra-link-380c.rdesc.hex" | tr -s ' '
	printf '\nN: Jabra Link 380\nI: 3 0b0e 24c9\n'
	printf 'E: 000000.100000 3 02 01 06\nE: 000000.300000 3 02 81 02\nE: 000000.400000 3 02 01 06\n'
	printf 'E: 000000.600000 3 02 81 04\nE: 000000.700000 3 02 01 06\nE: 000000.900000 3 02 00 06\n'
} > "$keys"
payloads() { sed -n 's/^E: [0-9]*\.[0-9]* //p' "$1"; }
events() { sed -n 's/^T: [0-9]*\.[0-9]* //p' "$1"; }

check "record --show-keys" "$PHONECTL" record --show-keys -o "$tmp/shown.hid" "$keys"
check "record (digits hidden)" "$PHONECTL" record -o "$tmp/hidden.hid" "$keys"
if [ ! -s "$tmp/out" ]; then ok; else not_ok "record -o writes nothing to stdout"; fi
check "record to stdout" "$PHONECTL" record "$keys"
cp "$tmp/out" "$tmp/stdout.hid"

# Both are recordings: recording_parse accepts them and they carry the same descriptor.
hex2bin "$DESC/jabra-link-380c.rdesc.hex" > "$tmp/380c.bin"
"$PHONECTL" describe --json --rdesc "$tmp/380c.bin" | jq -c .fields > "$tmp/fields.want"
for f in shown hidden stdout; do
	check "$f: describe --rdesc accepts it" "$PHONECTL" describe --json --rdesc "$tmp/$f.hid"
	jq -c .fields "$tmp/out" > "$tmp/fields.got"
	same "$f: same descriptor" "$tmp/fields.want" "$tmp/fields.got"
	if [ "$(jq -r .format "$tmp/out")" = recording ]; then ok; else not_ok "$f: not read as a recording"; fi
	check "$f: N: and I: lines" grep -qx 'I: 3 0b0e 24c9' "$tmp/$f.hid"
	if [ "$(grep -c '^# ReportID: ' "$tmp/$f.hid")" = "$(grep -c '^E: ' "$tmp/$f.hid")" ]; then ok
	else not_ok "$f: a decoded # line before each E: line"; fi
	if awk '/^E: /{ if (prev !~ /^# ReportID: /) bad = 1 } { prev = $0 } END { exit bad }' "$tmp/$f.hid"; then ok
	else not_ok "$f: the # line comes right before its E: line"; fi
done

grep '^E: ' "$keys" > "$tmp/e.want"
grep '^E: ' "$tmp/shown.hid" > "$tmp/e.got"
same "--show-keys: the same E: lines, timestamps too" "$tmp/e.want" "$tmp/e.got"
payloads "$keys" > "$tmp/e.want"
printf '3 02 01 06\n3 02 01 00\n3 02 01 06\n3 02 01 00\n3 02 01 06\n3 02 00 06\n' > "$tmp/e.hidden"
payloads "$tmp/hidden.hid" > "$tmp/e.got"
same "hidden: every key reads as Key 0" "$tmp/e.hidden" "$tmp/e.got"
payloads "$tmp/stdout.hid" > "$tmp/e.got"
same "stdout: the same E: lines as -o" "$tmp/e.hidden" "$tmp/e.got"
check "hidden: the file says so" grep -q '^# dialled digits are hidden' "$tmp/hidden.hid"
if ! grep -q 'dialled digits are hidden' "$tmp/shown.hid"; then ok; else not_ok "--show-keys: no hiding comment"; fi
check "--show-keys: decoded key 5" grep -q '\[Telephony.PhoneKey5\]' "$tmp/shown.hid"
if ! grep -q 'PhoneKey[1-9]' "$tmp/hidden.hid"; then ok; else not_ok "hidden: no digit in the # lines"; fi

# T: lines: what the provider reported, keys 5 and 9 down and up, as button 0 when hidden.
events "$tmp/shown.hid" > "$tmp/t.shown"
events "$tmp/hidden.hid" > "$tmp/t.hidden"
check "--show-keys: T: key 5 down" grep -qx 'PHONE_BUTTON 0x5 0x8 0x2' "$tmp/t.shown"
check "--show-keys: T: key 9 up" grep -qx 'PHONE_BUTTON 0x9 0x8 0x1' "$tmp/t.shown"
check "T: hook state" grep -q '^PHONE_STATE ' "$tmp/t.shown"
sed 's/^PHONE_BUTTON 0x[0-9a-f] 0x8 /PHONE_BUTTON 0x0 0x8 /' "$tmp/t.shown" > "$tmp/t.want"
same "hidden: the same T: lines, keypad ids 0" "$tmp/t.want" "$tmp/t.hidden"
if [ "$(grep -c '^PHONE_BUTTON 0x0 0x8 ' "$tmp/t.hidden")" -eq 4 ]; then ok; else not_ok "hidden: 4 key events as id 0"; fi
# Each key's E: line comes before the T: lines it caused.
if awk '/^E: .* 02 81 02$/ { e = NR } /^T: .* PHONE_BUTTON 0x5 0x8 0x2$/ { t = NR } END { exit !(e && t && e < t) }' "$tmp/shown.hid"; then ok
else not_ok "--show-keys: E: before its T:"; fi

# Recording a recording again gives the same reports and events: record is its own replay.
check "record the recording again" "$PHONECTL" record --show-keys -o "$tmp/again.hid" "$tmp/shown.hid"
payloads "$tmp/again.hid" > "$tmp/e.got"
same "again: same E: lines" "$tmp/e.want" "$tmp/e.got"
events "$tmp/again.hid" > "$tmp/t.got"
same "again: same T: lines" "$tmp/t.shown" "$tmp/t.got"

# The bundled recording: same E: lines (no keys dialled), T: lines reproducible.
check "record the bundled recording" "$PHONECTL" record -o "$tmp/evolve.hid" "$RECS/jabra-evolve-link-ms.hid"
grep '^E: ' "$RECS/jabra-evolve-link-ms.hid" > "$tmp/e.want"
grep '^E: ' "$tmp/evolve.hid" > "$tmp/e.got"
same "bundled: same E: lines" "$tmp/e.want" "$tmp/e.got"
check "bundled: describe accepts it" "$PHONECTL" describe --rdesc "$tmp/evolve.hid"
check "bundled: record it again" "$PHONECTL" record -o "$tmp/evolve2.hid" "$tmp/evolve.hid"
events "$tmp/evolve.hid" > "$tmp/t.want"
events "$tmp/evolve2.hid" > "$tmp/t.got"
same "bundled: same T: lines again" "$tmp/t.want" "$tmp/t.got"
if [ -s "$tmp/t.want" ]; then ok; else not_ok "bundled: there are T: lines"; fi

# Several devices: the first phone is recorded.
check "record a two-device recording" "$PHONECTL" record -o "$tmp/two.hid" "$RECS/jabra-and-razer.hid"
check "two devices: the Jabra" grep -qx 'I: 3 0b0e 0307' "$tmp/two.hid"
if [ "$(grep -c '^R: ' "$tmp/two.hid")" -eq 1 ] && ! grep -q '^D: ' "$tmp/two.hid"; then ok; else not_ok "two devices: one device recorded"; fi

# --seconds: the bundled recording's last report comes at 1.5 s.
check "record --seconds 0.8" "$PHONECTL" record --seconds 0.8 -o "$tmp/short.hid" "$RECS/jabra-evolve-link-ms.hid"
if [ "$(grep -c '^E: ' "$tmp/short.hid")" -eq 3 ]; then ok; else not_ok "--seconds 0.8: 3 reports, got $(grep -c '^E: ' "$tmp/short.hid")"; fi

# SIGINT ends a recording cleanly, with what it has so far.
{ sed -n '/^[RNI]:/p' "$RECS/jabra-evolve-link-ms.hid"; printf 'E: 000000.000000 3 02 01 00\nE: 000009.000000 3 02 00 00\nE: 000019.000000 3 02 01 00\n'; } > "$tmp/long.hid"
"$PHONECTL" record -o "$tmp/int.hid" "$tmp/long.hid" 2>"$tmp/err" &
pid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^E: ' "$tmp/int.hid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(grep -c '^E: ' "$tmp/int.hid")" -eq 1 ]; then ok; else not_ok "SIGINT: exit $rc, $(grep -c '^E: ' "$tmp/int.hid") reports"; cat "$tmp/err"; fi
check "SIGINT: still a recording" "$PHONECTL" describe --rdesc "$tmp/int.hid"

status_is 2 "record without DEVICE" "$PHONECTL" record
status_is 2 "record with two DEVICEs" "$PHONECTL" record "$keys" "$keys"
status_is 2 "record --seconds x" "$PHONECTL" record --seconds x "$keys"
status_is 2 "record --seconds 0" "$PHONECTL" record --seconds 0 "$keys"
status_is 1 "record of a missing file" "$PHONECTL" record "$tmp/missing.hid"
if grep -q "missing.hid: No such file" "$tmp/err"; then ok; else not_ok "record: missing file named"; fi
status_is 1 "record -o into a missing directory" "$PHONECTL" record -o "$tmp/no/such/dir.hid" "$keys"
if grep -q "no/such/dir.hid: No such file" "$tmp/err"; then ok; else not_ok "record -o: file named"; fi
printf 'R: 2 05\n' > "$tmp/bad.hid"
status_is 1 "record of a malformed recording" "$PHONECTL" record "$tmp/bad.hid"
if grep -q "bad.hid:1:" "$tmp/err"; then ok; else not_ok "record: malformed recording names the line: $(cat "$tmp/err")"; fi

# --- feature and output ------------------------------------------------------------------

evolve=$RECS/jabra-evolve-link-ms.hid
check "feature get" "$PHONECTL" feature get "$evolve" 8
if [ "$(cat "$tmp/out")" = "08 00" ]; then ok; else not_ok "feature get: '$(cat "$tmp/out")'"; fi
check "feature get 0x08 --json" "$PHONECTL" --json feature get "$evolve" 0x08
check "feature get json" jq -e '.report_id == 8 and .bytes == [8, 0] and .length == 2' "$tmp/out"
status_is 1 "feature get of a report the recording never read" "$PHONECTL" feature get "$evolve" 9
if grep -q "feature report 9: .*no F: get line" "$tmp/err"; then ok; else not_ok "feature get 9: reason"; fi
check "feature set" "$PHONECTL" feature set "$evolve" 8 01
if grep -q '^F: [0-9.]* set 2 08 01$' "$tmp/out" && grep -qx 'sent 2 bytes.*' "$tmp/out"; then ok; else not_ok "feature set output: $(cat "$tmp/out")"; fi
check "output" "$PHONECTL" output "$evolve" 02 01 00
if grep -q '^O: [0-9.]* 3 02 01 00$' "$tmp/out" && grep -q '^sent 3 bytes' "$tmp/out"; then ok; else not_ok "output: $(cat "$tmp/out")"; fi
check "output, one argument, 0x and commas" "$PHONECTL" output "$evolve" "0x02,0x01,0x00"
check "output, same bytes" grep -q '^O: [0-9.]* 3 02 01 00$' "$tmp/out"
check "output --json" "$PHONECTL" output --json "$evolve" 02 01 00
check "output json" jq -e '.sent == 3 and .report_id == 2 and .report == "output"' "$tmp/out"
status_is 2 "feature without get/set" "$PHONECTL" feature
status_is 2 "feature frob" "$PHONECTL" feature frob "$evolve" 8
status_is 2 "feature get without ID" "$PHONECTL" feature get "$evolve"
status_is 2 "feature get ID 256" "$PHONECTL" feature get "$evolve" 256
status_is 2 "feature set without bytes" "$PHONECTL" feature set "$evolve" 8
status_is 2 "output without bytes" "$PHONECTL" output "$evolve"
status_is 2 "output with a bad byte" "$PHONECTL" output "$evolve" 02 zz
if grep -q "'zz' is not a hex byte" "$tmp/err"; then ok; else not_ok "output: bad byte named"; fi
status_is 1 "output to a missing device" "$PHONECTL" output "$tmp/missing.hid" 02 01 00
if grep -q "missing.hid: No such file" "$tmp/err"; then ok; else not_ok "output: missing device named"; fi

# A character device that is not a hidraw node is refused before hidapi sees it.
status_is 1 "output to /dev/null" "$PHONECTL" output /dev/null 00 01
if grep -q "/dev/null: not a hidraw node" "$tmp/err"; then ok; else not_ok "output to /dev/null: reason: $(cat "$tmp/err")"; fi
status_is 1 "record /dev/null" "$PHONECTL" record /dev/null
if grep -q "/dev/null: cannot read the report descriptor" "$tmp/err"; then ok; else not_ok "record /dev/null: reason: $(cat "$tmp/err")"; fi

echo "phonectl-more: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
