#!/bin/sh
# phonectl describe, run as a user would: every fixture in every input format, --json output
# parsed by jq and checked against the contract in README, and the errors a bad file gets.
set -u
PHONECTL=${PHONECTL:-build/phonectl}
DATA=test/data/descriptors
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { # description command...
	desc=$1; shift
	if "$@" >"$tmp/out" 2>"$tmp/err"; then ok; else not_ok "$desc"; cat "$tmp/err"; fi
}

# The contract of --json (README): these keys, with these types, for every field.
fields_ok='
  (.collections | type == "array" and length > 0) and
  (.collections | all(has("usage_page") and has("usage"))) and
  (.reports | length > 0 and all((.kind | IN("input","output","feature")) and (.id | type == "number") and (.bits | type == "number"))) and
  (.fields | length > 0 and all(
      (.report_id | type == "number") and (.kind | IN("input","output","feature")) and
      (.usage_page | type == "number") and
      (.usage == null or (.usage | type == "number")) and (.usages | type == "array") and
      (.bit_offset | type == "number") and (.bit_size >= 1 and .bit_size <= 32) and
      (.count >= 1) and (.logical_min | type == "number") and (.logical_max | type == "number") and
      (.constant | type == "boolean") and (.variable | type == "boolean") and
      (.relative | type == "boolean") and (.null_state | type == "boolean") and
      (if .variable then .usages == [] else .usage == null end)))'

for hex in "$DATA"/*.rdesc.hex; do
	name=$(basename "$hex" .rdesc.hex)
	check "$name: describe (text)" "$PHONECTL" describe --rdesc "$hex"
	check "$name: describe --json" "$PHONECTL" describe --json --rdesc "$hex"
	cp "$tmp/out" "$tmp/$name.json"
	check "$name: json contract" jq -e "$fields_ok" "$tmp/$name.json"

	# The same descriptor as a hid-recorder recording and as raw bytes gives the same fields.
	{ printf 'R: %s ' "$(jq .descriptor_bytes "$tmp/$name.json")"; tr '\n' ' ' < "$hex"; printf '\nN: test\n'; } > "$tmp/$name.rec"
	check "$name: describe recording" "$PHONECTL" describe --json --rdesc "$tmp/$name.rec"
	if [ "$(jq -c .fields "$tmp/out")" = "$(jq -c .fields "$tmp/$name.json")" ]; then ok; else not_ok "$name: recording differs"; fi
	tr -s ' \n' '\n' < "$hex" | sed '/^$/d' | while read -r b; do printf "\\$(printf %03o "0x$b")"; done > "$tmp/$name.bin"
	check "$name: describe binary" "$PHONECTL" describe --json --rdesc "$tmp/$name.bin"
	if [ "$(jq -c .fields "$tmp/out")" = "$(jq -c .fields "$tmp/$name.json")" ]; then ok; else not_ok "$name: binary differs"; fi
	if [ "$(jq -r .format "$tmp/out")" = binary ]; then ok; else not_ok "$name: binary not detected"; fi
done

# Facts a script would rely on, from the index: the 380c keypad and hook switch.
j=$tmp/jabra-link-380c.json
check "380c hook switch at report 2 bit 0" jq -e '[.fields[] | select(.usage_page == 11 and .usage == 32 and .kind == "input")] | length == 1 and .[0].report_id == 2 and .[0].bit_offset == 0 and .[0].constant' "$j"
check "380c keypad array" jq -e '[.fields[] | select(.variable == false and .usage_page == 11 and (.usages | index(176)))] | .[0].usages == [176,177,178,179,180,181,182,183,184,185,186,187] and .[0].bit_offset == 7 and .[0].bit_size == 4' "$j"
check "380c telephony summary" jq -e '.telephony.phone and ([.telephony.controls[] | select(.role == "lamp")] | length == 7)' "$j"
check "g535 is not a phone" jq -e '.telephony.phone == false' "$tmp/logitech-g535-negative-control.json"

# Errors name the file and the place, and exit with status 1; usage errors with 2.
printf '05 0b 09 05 a1 01\n' > "$tmp/unclosed.hex"
"$PHONECTL" describe --rdesc "$tmp/unclosed.hex" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "unclosed.hex: byte offset 4 (0x4): 1 collection(s) not closed" "$tmp/err"; then ok; else not_ok "malformed descriptor: rc=$rc $(cat "$tmp/err")"; fi
printf '05 0b\n09 zz\n' > "$tmp/bad.hex"
"$PHONECTL" describe --rdesc "$tmp/bad.hex" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "bad.hex:2:4: expected a hex byte" "$tmp/err"; then ok; else not_ok "bad hex: rc=$rc $(cat "$tmp/err")"; fi
"$PHONECTL" describe --rdesc "$tmp/missing.hex" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "missing.hex: No such file" "$tmp/err"; then ok; else not_ok "missing file: rc=$rc"; fi
"$PHONECTL" describe >/dev/null 2>&1
if [ $? -eq 2 ]; then ok; else not_ok "describe without a source is a usage error"; fi
"$PHONECTL" frobnicate >/dev/null 2>&1
if [ $? -eq 2 ]; then ok; else not_ok "unknown command is a usage error"; fi

# describe shows the phone as TAPI does, from the provider.
check "describe: tapi caps" jq -e '.tapi.num_button_lamps == 31 and .tapi.hookswitch_devs == 4 and
  ([.tapi.buttons[] | select(.function == "MUTE")] | length == 2)' "$tmp/jabra-link-380c.json"

# replay: the provider's events for a recording, checked against its T: lines.
DEMO=test/data/recordings/jabra-link-380c-call.hid
check "replay --check on the demo recording" "$PHONECTL" replay --check --fast "$DEMO"
sed '0,/PHONE_BUTTON 0x5 /s//PHONE_BUTTON 0x6 /' "$DEMO" > "$tmp/altered.hid"
"$PHONECTL" replay --check --fast "$tmp/altered.hid" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "altered.hid:[0-9]*: expected PHONE_BUTTON id=6 KEYPAD DOWN, the provider reported PHONE_BUTTON id=5" "$tmp/out"; then ok; else not_ok "replay --check accepts an altered recording: rc=$rc $(cat "$tmp/out")"; fi
grep -v '^T:' "$DEMO" > "$tmp/no-t.hid"
echo "T: 000000.000000 PHONE_STATE 0x8000 0x8 0x0" >> "$tmp/no-t.hid"
echo "T: 000000.000001 PHONE_BUTTON 0x9 0x8 0x2" >> "$tmp/no-t.hid"
if ! "$PHONECTL" replay --check --fast "$tmp/no-t.hid" >/dev/null 2>&1; then ok; else not_ok "replay --check misses a wrong event"; fi
# T: names are words to the recording parser; replay knows which are TAPI's, and says where.
sed '0,/PHONE_BUTTON 0x5 /s//PHONE_BUTTN 0x5 /' "$DEMO" > "$tmp/misnamed.hid"
"$PHONECTL" replay --check --fast "$tmp/misnamed.hid" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "misnamed.hid:[0-9]*: 'PHONE_BUTTN' is no TAPI message name" "$tmp/out"; then ok; else not_ok "replay takes an unknown T: name: rc=$rc $(cat "$tmp/out")"; fi
check "replay --json" "$PHONECTL" replay --fast --json "$DEMO"
cp "$tmp/out" "$tmp/replay.json"
check "replay --json lines" jq -e -s 'length >= 22 and (map(.type == "event") | all) and
  ([.[] | select(.message == "PHONE_BUTTON" and .param1 == 5)] | length == 6)' "$tmp/replay.json"
check "replay --print-t" "$PHONECTL" replay --fast --print-t "$DEMO"
# 22 from the reports, and the Off-Hook LED's lamp following the hook twice
if [ "$(grep -c '^T:' "$tmp/out")" -eq 24 ]; then ok; else not_ok "replay --print-t: $(grep -c '^T:' "$tmp/out") lines"; fi

# monitor: reports and events, as lines when stdout is not a terminal (even with --panel).
check "monitor --panel off a terminal" "$PHONECTL" monitor --panel --seconds 10 "$DEMO"
if grep -q "report  02 81 02" "$tmp/out" && grep -q "PHONE_BUTTON id=5 KEYPAD DOWN" "$tmp/out" &&
   grep -q "HookSwitch=1" "$tmp/out" && grep -q "PHONE_STATE headset hook ONHOOK" "$tmp/out"; then ok; else not_ok "monitor output: $(head -5 "$tmp/out")"; fi
check "monitor --json" "$PHONECTL" monitor --json --seconds 10 "$DEMO"
cp "$tmp/out" "$tmp/monitor.json"
check "monitor --json lines" jq -e -s '([.[] | select(.type == "report")] | length == 22) and
  ([.[] | select(.type == "event" and .message == "PHONE_STATE")] | length >= 2)' "$tmp/monitor.json"

# lamp, ring, hook: set through TSPI, completion printed, the bytes on the wire shown with -v.
"$PHONECTL" -v lamp "$DEMO" 20 STEADY >"$tmp/out" 2>"$tmp/err"
if grep -q "completed: success" "$tmp/out" && grep -q "^O: .* 3 02 04 00" "$tmp/err"; then ok; else not_ok "lamp set: $(cat "$tmp/out" "$tmp/err")"; fi
check "lamp list" "$PHONECTL" lamp "$DEMO"
if grep -q "lamp  20  Telephony.PhoneMute" "$tmp/out" && grep -q "lamp  30  LED.OffHook" "$tmp/out" &&
   [ "$(grep -c '^lamp' "$tmp/out")" -eq 7 ]; then ok; else not_ok "lamp list: $(cat "$tmp/out")"; fi
# an on/off LED flutters by the provider's timer; UNKNOWN is no mode to set
"$PHONECTL" lamp "$DEMO" 20 FLUTTER >"$tmp/out" 2>&1
if [ $? -eq 0 ] && grep -q "completed: success" "$tmp/out"; then ok; else not_ok "lamp FLUTTER: $(cat "$tmp/out")"; fi
"$PHONECTL" lamp "$DEMO" 20 UNKNOWN >"$tmp/out" 2>&1
if [ $? -eq 1 ] && grep -q "refused: PHONEERR_INVALLAMPMODE" "$tmp/out"; then ok; else not_ok "lamp UNKNOWN: $(cat "$tmp/out")"; fi
"$PHONECTL" lamp "$DEMO" 20 SPARKLE >/dev/null 2>&1
if [ $? -eq 2 ]; then ok; else not_ok "lamp with a made-up mode is a usage error"; fi
# id: the provider's phoneGetID; a replayed phone has no sound card.
"$PHONECTL" id "$DEMO" alsa/in >"$tmp/out" 2>&1
if [ $? -eq 1 ] && grep -q "refused: PHONEERR_INVALDEVICECLASS" "$tmp/out"; then ok; else not_ok "id alsa/in: $(cat "$tmp/out")"; fi
"$PHONECTL" id "$DEMO" wave/out >"$tmp/out" 2>&1
if [ $? -eq 1 ] && grep -q "refused: PHONEERR_INVALDEVICECLASS" "$tmp/out"; then ok; else not_ok "id wave/out: $(cat "$tmp/out")"; fi
"$PHONECTL" -v ring "$DEMO" 1 >"$tmp/out" 2>"$tmp/err"
if grep -q "completed: success" "$tmp/out" && grep -q "^O: .* 3 02 88 00" "$tmp/err"; then ok; else not_ok "ring: $(cat "$tmp/out" "$tmp/err")"; fi
"$PHONECTL" -v hook "$DEMO" HEADSET MICSPEAKER >"$tmp/out" 2>"$tmp/err"
if grep -q "completed: success" "$tmp/out" && grep -q "^O: .* 3 02 01 00" "$tmp/err"; then ok; else not_ok "hook: $(cat "$tmp/out" "$tmp/err")"; fi
"$PHONECTL" hook "$DEMO" HANDSET MICSPEAKER >"$tmp/out" 2>&1
if [ $? -eq 1 ] && grep -q "refused: PHONEERR_INVALHOOKSWITCHDEV" "$tmp/out"; then ok; else not_ok "hook on a missing handset: $(cat "$tmp/out")"; fi
check "hook get" "$PHONECTL" hook "$DEMO"
grep -q "off hook: none" "$tmp/out" && ok || not_ok "hook get: $(cat "$tmp/out")"
# The desk phone has a 2 x 16 display (test/data/synthetic/desk-phone.rdesc.hex).
desk=test/data/synthetic/desk-phone.rdesc.hex
{ printf 'R: %s ' "$(grep -v '^#' "$desk" | wc -w)"; grep -v '^#' "$desk" | tr '\n' ' '; printf '\nN: Desk Phone\nI: 3 1234 5678\n'; } > "$tmp/desk.hid"
"$PHONECTL" -v display "$tmp/desk.hid" 0 0 Hi >"$tmp/out" 2>"$tmp/err"
if grep -q "completed: success" "$tmp/out" && grep -q "^F: .* set 2 02 00" "$tmp/err" &&
   grep -q "^F: .* set 5 03 48 69 20 20" "$tmp/err"; then ok; else not_ok "display set: $(cat "$tmp/out" "$tmp/err")"; fi
check "display get" "$PHONECTL" display "$tmp/desk.hid"
if [ "$(cat "$tmp/out")" = "                                " ]; then ok; else not_ok "display get: '$(cat "$tmp/out")'"; fi
"$PHONECTL" display "$tmp/desk.hid" 5 0 Hi >"$tmp/out" 2>&1
if [ $? -eq 1 ] && grep -q "refused: PHONEERR_INVALPARAM" "$tmp/out"; then ok; else not_ok "display off the screen: $(cat "$tmp/out")"; fi
"$PHONECTL" display "$DEMO" >"$tmp/out" 2>&1
if [ $? -eq 1 ] && grep -q "refused: PHONEERR_OPERATIONUNAVAIL" "$tmp/out"; then ok; else not_ok "display without one: $(cat "$tmp/out")"; fi
"$PHONECTL" volume "$DEMO" HEADSET >"$tmp/out" 2>&1
if [ $? -eq 1 ] && grep -q "refused: PHONEERR_OPERATIONUNAVAIL" "$tmp/out"; then ok; else not_ok "volume: $(cat "$tmp/out")"; fi
"$PHONECTL" lamp /nonexistent >/dev/null 2>&1
if [ $? -eq 1 ]; then ok; else not_ok "lamp on nothing fails"; fi

# A phone the configuration gives no line (its lines are for other phones) is monitored
# without a line, and without a line error.
printf '[line other]\nphone = 0000:0001\nlisten = 127.0.0.1:5999\n' >"$tmp/other.conf"
HIDPHONE_CONFIG="$tmp/other.conf" "$PHONECTL" monitor --seconds 1 "$DEMO" >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && grep -q "PHONE_STATE headset hook MICSPEAKER" "$tmp/out" &&
   ! grep -q "cannot open line" "$tmp/err"; then ok
else not_ok "monitor with no line for the phone: $(cat "$tmp/out" "$tmp/err")"; fi

# Phones over libusb by the path phonectl list shows: every command that drives a phone takes
# it. No USB device is here, so a well-formed path is a phone not attached, named as such.
nousb=usb:255:127:255
for cmd in "monitor --seconds 1 $nousb" "lamp $nousb" "ring $nousb 1" "hook $nousb" \
	   "display $nousb" "volume $nousb HANDSET" "id $nousb wave/in" "describe $nousb"; do
	# shellcheck disable=SC2086 # the words of cmd are the arguments
	"$PHONECTL" $cmd >"$tmp/out" 2>"$tmp/err"
	if [ $? -eq 1 ] && grep -q "^phonectl: $nousb: no such phone attached" "$tmp/err"; then ok
	else not_ok "$cmd: a usb: path not attached: $(cat "$tmp/out" "$tmp/err")"; fi
done
"$PHONECTL" call "$nousb" sip:bob@127.0.0.1 >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 1 ] && grep -q "^phonectl: $nousb: cannot open line 0: LINEERR_NODEVICE" "$tmp/err"; then ok
else not_ok "call on a usb: path not attached: $(cat "$tmp/out" "$tmp/err")"; fi
# The commands that open a hidraw node themselves say so, not "no such file".
for cmd in "record --seconds 1 $nousb" "feature get $nousb 1" "output $nousb 00" "profile $nousb"; do
	# shellcheck disable=SC2086 # the words of cmd are the arguments
	"$PHONECTL" $cmd >"$tmp/out" 2>"$tmp/err"
	if [ $? -eq 1 ] && grep -q "^phonectl: $nousb: ${cmd%% *} opens a hidraw node" "$tmp/err"; then ok
	else not_ok "$cmd: $(cat "$tmp/out" "$tmp/err")"; fi
done
# Malformed paths: refused before the provider is asked, named, with what the form is.
for bad in usb: usb:1:2 usb:1:2:3x usb:0:1:0 usb:1:128:0 usb:1:2:256 usb:-1:2:3 "usb: 1:2:3" \
	   usb:1:2:3:4; do
	for name in lamp ring monitor describe; do
		"$PHONECTL" "$name" "$bad" >"$tmp/out" 2>"$tmp/err"
		if [ $? -eq 1 ] && grep -qF "phonectl: $bad: not a USB phone's path: usb:BUS:ADDR:IF" "$tmp/err"
		then ok; else not_ok "$name $bad: $(cat "$tmp/out" "$tmp/err")"; fi
	done
done

echo "phonectl: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
