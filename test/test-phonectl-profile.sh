#!/bin/sh
# Device profiles through phonectl and the provider: describe shows which profile matched
# and what each key changed (text and --json), the provider honours them (a replay), a bad
# profile file is named with its line and skipped, and phonectl profile writes a starter
# profile that parses and matches the device it was written for.
set -u
PHONECTL=${PHONECTL:-build/phonectl}
SHIPPED=devices/data
TESTS=test/data/profiles
EVOLVE=test/data/recordings/jabra-evolve-link-ms.hid
DESK=test/data/synthetic/desk-phone.rdesc.hex
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
# run DESCRIPTION PROFILE-DIRS command...: stdout in $tmp/out, stderr in $tmp/err, status in rc
run() {
	desc=$1 dirs=$2; shift 2
	HIDPHONE_PROFILES=$dirs "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
has() { # DESCRIPTION FILE PATTERN
	if grep -q -- "$3" "$2"; then ok; else not_ok "$1: no '$3' in: $(cat "$2")"; fi
}
lacks() {
	if grep -q -- "$3" "$2"; then not_ok "$1: '$3' in: $(cat "$2")"; else ok; fi
}

# --- describe: the profile that matched, and each key's effect ---------------------------

run "describe evolve" "$SHIPPED" "$PHONECTL" describe --rdesc "$EVOLVE"
[ $rc -eq 0 ] && ok || not_ok "describe evolve: exit $rc"
has "describe evolve" "$tmp/out" 'matched: \[Jabra USB headsets\] devices/data/50-jabra.phone:'
has "describe evolve" "$tmp/out" 'matched: \[Jabra EVOLVE LINK MS\] devices/data/50-jabra.phone:'
has "describe evolve" "$tmp/out" '^  AttrKeypadIdle=0$'
has "describe evolve" "$tmp/out" 'keypad value 0 means no key (descriptor: Telephony.PhoneKey0)'
has "describe evolve" "$tmp/out" 'what changes them: the report descriptor and the profiles above'

# the same descriptor as another device: no profile
run "describe evolve as another" "$SHIPPED" "$PHONECTL" describe --rdesc "$EVOLVE" --usb 1234:0001
has "another device" "$tmp/out" 'matched: none (phonectl profile writes a starter profile)'
lacks "another device" "$tmp/out" 'AttrKeypadIdle'

run "describe --json" "$SHIPPED" "$PHONECTL" describe --json --rdesc "$EVOLVE"
if jq -e '.profile.matched | length == 2' "$tmp/out" >/dev/null &&
   jq -e '.profile.keys | map(select(.key == "AttrKeypadIdle"))[0] |
	  .value == "0" and (.from | test("50-jabra.phone:[0-9]+ \\[Jabra EVOLVE LINK MS\\]")) and
	  (.effect | test("means no key"))' "$tmp/out" >/dev/null &&
   jq -e '.profile.errors == [] and (.profile.descriptor_hash | test("^0x[0-9A-F]{16}$"))' \
	"$tmp/out" >/dev/null; then ok; else not_ok "describe --json: $(cat "$tmp/out")"; fi

# every key, on the desk phone: the TAPI caps change with them (from the provider)
run "desk phone" "$TESTS" "$PHONECTL" describe --rdesc "$DESK" --usb 1234:5678
has "desk phone" "$tmp/out" 'handset hook switch read as a toggle (descriptor: absolute, a level)'
has "desk phone" "$tmp/out" '1 control of the descriptor left out'
has "desk phone" "$tmp/out" 'display 12x2 (descriptor: 16x2)'
has "desk phone caps" "$tmp/out" '^  display: 2x12$'
has "desk phone caps" "$tmp/out" ' 16  Mute  *button FEATURE  MUTE'
has "desk phone caps" "$tmp/out" ' 17  Messages  *button DUMMY'
has "desk phone caps, Hold ignored" "$tmp/out" ' 19  LED.Hold  *button DUMMY'
has "desk phone" "$tmp/out" 'hook changes are confirmed by the application (phoneSetHookSwitch)'
run "desk phone without" "$TESTS" "$PHONECTL" describe --rdesc "$DESK"
has "desk phone without" "$tmp/out" '^  display: 2x16$'
has "desk phone without" "$tmp/out" 'Telephony.Hold  *button FEATURE  HOLD'

# the vendor display page: no display without the profile, 2x16 with it
run "vendor display" "$TESTS" "$PHONECTL" describe --rdesc \
	test/data/synthetic/desk-phone-vendor-display.rdesc.hex --usb 1234:5679
has "vendor display" "$tmp/out" 'display read from page 0xFF99: 16x2'
has "vendor display caps" "$tmp/out" '^  display: 2x16$'
run "vendor display without" "$TESTS" "$PHONECTL" describe --rdesc \
	test/data/synthetic/desk-phone-vendor-display.rdesc.hex
has "vendor display without" "$tmp/out" '^  display: 0x0$'

# --- the provider honours the profile: no phantom Key 0 on the EVOLVE LINK MS ------------

run "replay without profiles" "/nonexistent" "$PHONECTL" replay --fast "$EVOLVE"
has "replay without profiles" "$tmp/out" 'PHONE_BUTTON id=0 KEYPAD DOWN'
run "replay with profiles" "$SHIPPED" "$PHONECTL" replay --fast "$EVOLVE"
lacks "replay with profiles" "$tmp/out" 'id=0 KEYPAD'
has "replay with profiles" "$tmp/out" 'PHONE_STATE headset hook MICSPEAKER'

# AttrOffHookEcho: the provider echoes a reported hook change on the Off-Hook LED (the O:
# lines of the replay log), unless a profile says the application or nobody does
mkdir "$tmp/echo"
printf '[No echo]\nMatchVendor=0x0B0E\nMatchProduct=0x0307\nAttrOffHookEcho=none\n' >"$tmp/echo/10.phone"
HIDPHONE_REPLAY_LOG=$tmp/echo.log HIDPHONE_PROFILES=/nonexistent "$PHONECTL" replay --fast "$EVOLVE" >/dev/null 2>&1
if [ "$(grep -c '^O: .* 3 02 0[01] 00$' "$tmp/echo.log")" = 2 ]; then ok; else not_ok "echo: $(cat "$tmp/echo.log")"; fi
HIDPHONE_REPLAY_LOG=$tmp/none.log HIDPHONE_PROFILES=$tmp/echo "$PHONECTL" replay --fast "$EVOLVE" >"$tmp/out" 2>&1
lacks "AttrOffHookEcho=none" "$tmp/none.log" '^O:'
has "AttrOffHookEcho=none, still reported" "$tmp/out" 'PHONE_STATE headset hook MICSPEAKER'

# AttrInitReports: written at open, before anything else
mkdir "$tmp/init"
printf '[Init]\nMatchVendor=0x0B0E\nMatchProduct=0x0307\nAttrInitReports=output:0x02:00 04;feature:0x08:01\n' \
	>"$tmp/init/10.phone"
HIDPHONE_REPLAY_LOG=$tmp/init.log HIDPHONE_PROFILES=$tmp/init "$PHONECTL" replay --fast "$EVOLVE" >/dev/null 2>&1
grep -e '^O:' -e '^F:' "$tmp/init.log" | head -n 2 | sed 's/^\([OF]\): [0-9.]* /\1 /' >"$tmp/first"
if [ "$(cat "$tmp/first")" = "$(printf 'O 3 02 00 04\nF set 2 08 01')" ]; then ok; else
	not_ok "init reports: $(cat "$tmp/init.log")"; fi
run "init effect" "$tmp/init" "$PHONECTL" describe --rdesc "$EVOLVE"
has "init effect" "$tmp/out" '2 reports written at each open'

# --- a bad file: named with its line, skipped; the others still apply ----------------------

mkdir "$tmp/bad"
printf '[Broken]\nMatchVendor=0x0b0e\nAttrRinger=hid\n' >"$tmp/bad/10-broken.phone"
run "bad file" "$SHIPPED:$tmp/bad" "$PHONECTL" describe --rdesc "$EVOLVE"
has "bad file" "$tmp/out" "skipped, profile bug: $tmp/bad/10-broken.phone:2: '0x0b0e' is not a hex number"
has "bad file, the rest" "$tmp/out" '^  AttrKeypadIdle=0$'
run "bad file, provider log" "$SHIPPED:$tmp/bad" env HIDPHONE_LOG=warning "$PHONECTL" replay --fast "$EVOLVE"
has "bad file, provider log" "$tmp/err" "profile bug, file skipped: $tmp/bad/10-broken.phone:2:"
lacks "bad file, provider" "$tmp/out" 'id=0 KEYPAD'

# a local file of the same name replaces the shipped one
mkdir "$tmp/etc"
printf '[Local]\nMatchVendor=0x0B0E\nMatchProduct=0x0307\nAttrRinger=audio\n' >"$tmp/etc/50-jabra.phone"
run "masking" "$SHIPPED:$tmp/etc" "$PHONECTL" describe --rdesc "$EVOLVE"
has "masking" "$tmp/out" "matched: \[Local\] $tmp/etc/50-jabra.phone:1"
lacks "masking" "$tmp/out" 'AttrKeypadIdle'

# --- phonectl profile: a starter that parses and matches ---------------------------------

run "starter" "/nonexistent" "$PHONECTL" profile -o "$tmp/etc/90-starter.phone" "$EVOLVE"
[ $rc -eq 0 ] && ok || not_ok "profile: exit $rc: $(cat "$tmp/err")"
has "starter" "$tmp/etc/90-starter.phone" '^\[Jabra EVOLVE LINK MS\]$'
has "starter" "$tmp/etc/90-starter.phone" '^MatchVendor=0x0B0E$'
has "starter" "$tmp/etc/90-starter.phone" '^MatchProduct=0x0307$'
has "starter" "$tmp/etc/90-starter.phone" '^#AttrKeypadIdle=0$'
rm "$tmp/etc/50-jabra.phone"
run "starter matches" "$tmp/etc" "$PHONECTL" describe --rdesc "$EVOLVE"
has "starter matches" "$tmp/out" "matched: \[Jabra EVOLVE LINK MS\] $tmp/etc/90-starter.phone:"
lacks "starter parses" "$tmp/out" 'profile bug'
# a descriptor alone: matched by its hash
run "starter by hash" "/nonexistent" "$PHONECTL" profile "$DESK"
cp "$tmp/out" "$tmp/etc/91-desk.phone"
has "starter by hash" "$tmp/etc/91-desk.phone" '^MatchDescriptorHash=0x[0-9A-F]\{16\}$'
run "starter by hash matches" "$tmp/etc" "$PHONECTL" describe --rdesc "$DESK"
has "starter by hash matches" "$tmp/out" "matched: \[New phone\] $tmp/etc/91-desk.phone:"
run "not a phone" "/nonexistent" "$PHONECTL" profile test/data/descriptors/logitech-g535-negative-control.rdesc.hex
[ $rc -eq 1 ] && ok || not_ok "profile of a non-phone: exit $rc"
has "not a phone" "$tmp/err" 'not a phone'
run "usage" "/nonexistent" "$PHONECTL" profile
[ $rc -eq 2 ] && ok || not_ok "profile without DEVICE: exit $rc"

echo "phonectl profiles: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
