#!/bin/sh
# udev/69-hidphone-profiles.rules: generated from devices/data by hidphone-udev-gen, current
# in the tree, and what the generator makes of each kind of section; a profile bug fails it.
set -u
GEN=${GEN:-build/hidphone-udev-gen}
RULES=udev/69-hidphone-profiles.rules
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
has() { # DESCRIPTION FILE LINE (fixed string, a whole line)
	if grep -q -x -F -- "$3" "$2"; then ok; else not_ok "$1: no line '$3' in: $(cat "$2")"; fi
}
lacks() { # DESCRIPTION FILE PATTERN
	if grep -q -- "$3" "$2"; then not_ok "$1: '$3' in: $(cat "$2")"; else ok; fi
}

# --- the file in the tree is what the shipped profiles give --------------------------------

if "$GEN" devices/data >"$tmp/now" 2>"$tmp/err"; then ok; else not_ok "generator: $(cat "$tmp/err")"; fi
if cmp -s "$tmp/now" "$RULES"; then ok; else
	not_ok "$RULES is out of date with devices/data: run make udev-rules and commit it"
	diff -u "$RULES" "$tmp/now" | head -n 20
fi
# every shipped VID:PID is in it, for hidraw
for f in devices/data/*.phone; do
	vendor=$(sed -n 's/^MatchVendor=0x//p' "$f" | head -n 1)
	[ -n "$vendor" ] || continue
	for p in $(sed -n 's/^MatchProduct=//p' "$f" | tr ';' ' '); do
		if grep -q "KERNELS==\"[0-9*]*:$vendor:${p#0x}\.\*\"" "$RULES"; then ok; else
			not_ok "$f: $vendor:$p has no hidraw rule"; fi
	done
done
# the CM109 phones, served over libusb, also on their USB device
has "cm109 usb" "$RULES" 'ATTR{idVendor}=="0d8c", ATTR{idProduct}=="000e", ENV{ID_HIDPHONE}="1", ENV{ID_HIDPHONE_PROFILE}="1", TAG+="uaccess"'
lacks "no MODE" "$RULES" 'MODE'

# Structure: every GOTO has its LABEL, and each non-comment line is a udev rule.
for label in $(sed -n 's/.*GOTO="\([a-z_]*\)".*/\1/p' "$RULES" | sort -u); do
	if grep -q "^LABEL=\"$label\"$" "$RULES"; then ok; else not_ok "GOTO $label without LABEL"; fi
done
if grep -v -e '^#' -e '^$' "$RULES" | grep -v -e '^[A-Z][A-Z_]*\({[a-zA-Z_]*}\)\{0,1\}[!=+]\{0,1\}=".*"$' \
	>"$tmp/odd"; then not_ok "lines that are not udev rules: $(cat "$tmp/odd")"; else ok; fi
# 69 runs before the rules acting on the uaccess tag
first=$(printf '%s\n%s\n%s\n' 71-seat.rules 70-hidphone.rules "$(basename "$RULES")" | LC_ALL=C sort | head -n 1)
[ "$first" = "$(basename "$RULES")" ] && ok || not_ok "$RULES does not sort first"

# --- each kind of section -----------------------------------------------------------------

mkdir "$tmp/p"
cat >"$tmp/p/10-kinds.phone" <<'PHONE'
[Bluetooth phone]
MatchBus=bluetooth
MatchVendor=0x1234
MatchProduct=0x0001
AttrProtocol=cm109
[Any bus]
MatchVendor=0x1234
MatchProduct=0x0002;0x00AB
AttrProtocol=cm109
[By name]
MatchName=*Phone*
AttrRinger=audio
[Vendor-wide]
MatchVendor=0x1234
AttrKeypadIdle=0
PHONE
if "$GEN" "$tmp/p" >"$tmp/kinds" 2>"$tmp/err"; then ok; else not_ok "kinds: $(cat "$tmp/err")"; fi
has "bluetooth" "$tmp/kinds" 'KERNELS=="0005:1234:0001.*", ENV{ID_HIDPHONE}="1", ENV{ID_HIDPHONE_PROFILE}="1", TAG+="uaccess"'
lacks "bluetooth is not USB" "$tmp/kinds" 'ATTR{idProduct}=="0001"'
has "any bus" "$tmp/kinds" 'KERNELS=="*:1234:00AB.*", ENV{ID_HIDPHONE}="1", ENV{ID_HIDPHONE_PROFILE}="1", TAG+="uaccess"'
has "any bus, usb" "$tmp/kinds" 'ATTR{idVendor}=="1234", ATTR{idProduct}=="00ab", ENV{ID_HIDPHONE}="1", ENV{ID_HIDPHONE_PROFILE}="1", TAG+="uaccess"'
has "by name: listed" "$tmp/kinds" "#   [By name] $tmp/p/10-kinds.phone:10"
has "vendor-wide: listed" "$tmp/kinds" "#   [Vendor-wide] $tmp/p/10-kinds.phone:13"
if [ "$(grep -c '^KERNELS' "$tmp/kinds")" = 3 ]; then ok; else not_ok "kinds: $(cat "$tmp/kinds")"; fi

# --- a profile bug fails the build, naming the file and the line --------------------------

printf '[Bad]\nMatchVendor=0x1234\nMatchProduct=0x0001\nAttrProtocol=sip\n' >"$tmp/p/20-bad.phone"
"$GEN" "$tmp/p" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "$tmp/p/20-bad.phone:4: AttrProtocol: 'sip' is not one of hid, cm109" "$tmp/err"
then ok; else not_ok "bad profile: exit $rc, $(cat "$tmp/err")"; fi
"$GEN" -x >/dev/null 2>&1
[ $? -eq 2 ] && ok || not_ok "usage error is exit 2"

echo "udev rules: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
