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

echo "phonectl: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
