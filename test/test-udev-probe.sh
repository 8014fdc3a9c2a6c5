#!/bin/sh
# hidphone-probe as udev runs it: the properties it prints for every fixture, read from a
# file and from a fake sysfs tree, what it does with bad input, and 70-hidphone.rules.
set -u
PROBE=${PROBE:-build/hidphone-probe}
DATA=test/data/descriptors
RULES=udev/70-hidphone.rules
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

# Runs the probe; sets rc, and leaves stdout in $tmp/out and stderr in $tmp/err.
probe() {
	"$PROBE" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# expect DESCRIPTION RC STDOUT [STDERR-PATTERN]: checks the last probe run.
expect() {
	if [ "$rc" -ne "$2" ]; then
		not_ok "$1: exit status $rc, wanted $2 ($(cat "$tmp/err"))"
	elif [ "$(cat "$tmp/out")" != "$3" ]; then
		not_ok "$1: printed '$(cat "$tmp/out")', wanted '$3'"
	elif [ $# -ge 4 ] && ! grep -q -- "$4" "$tmp/err"; then
		not_ok "$1: stderr '$(cat "$tmp/err")' lacks '$4'"
	elif [ $# -lt 4 ] && [ -s "$tmp/err" ]; then
		not_ok "$1: unexpected stderr '$(cat "$tmp/err")'"
	else
		ok
	fi
}

# Hex text (comments after '#') to raw bytes, as sysfs report_descriptor holds them.
hex2bin() { # IN.hex OUT.bin
	esc=$(sed 's/#.*//' "$1" | tr -s ' \t\r,' '\n' | awk '
		BEGIN { for (i = 0; i < 16; i++) v[substr("0123456789abcdef", i + 1, 1)] = i }
		NF { b = tolower($1); sub(/^0x/, "", b)
		     printf "\\%03o", v[substr(b, 1, 1)] * 16 + v[substr(b, 2, 1)] }')
	# shellcheck disable=SC2059 # the escapes are the format
	printf "$esc" >"$2"
}

# A hidraw device as sysfs shows it: .../<hid device>/hidraw/hidrawN/device -> ../..
fake_sysfs() { # NAME BIN: prints the hidraw directory
	hid=$tmp/sys/devices/pci0000:00/usb1/1-1/1-1:1.3/0003:0B0E:24C9.$1
	mkdir -p "$hid/hidraw/hidraw0"
	ln -s ../.. "$hid/hidraw/hidraw0/device"
	cp "$2" "$hid/report_descriptor"
	echo "$hid/hidraw/hidraw0"
}

phones() {
	printf 'ID_HIDPHONE=1\nID_HIDPHONE_COLLECTION=%s' "$1"
}

# --- every fixture: hex file, raw bytes, sysfs ------------------------------------------

n_phones=0
n_fixtures=0
for hex in "$DATA"/*.rdesc.hex; do
	name=$(basename "$hex" .rdesc.hex)
	n_fixtures=$((n_fixtures + 1))
	case $name in
	logitech-g535-negative-control) want= ;;
	boya-mini-2-rx) want=0x000b0001 ;;  # Phone
	*) want=0x000b0005 ;;               # Headset
	esac
	# The independent decoder's first Telephony top-level collection says the same.
	tlc=$(awk '$1 == "tlc" && $2 == "0x000b" { print "0x000b" substr($3, 3); exit }' \
		"$DATA/$name.expect")
	if [ "$tlc" = "$want" ]; then ok; else not_ok "$name: .expect says '$tlc', table '$want'"; fi
	if [ -n "$want" ]; then
		n_phones=$((n_phones + 1))
		out=$(phones "$want")
	else
		out=
	fi

	probe --rdesc "$hex"
	expect "$name: --rdesc hex" 0 "$out"
	hex2bin "$hex" "$tmp/$name.bin"
	probe --rdesc "$tmp/$name.bin"
	expect "$name: --rdesc binary" 0 "$out"
	dir=$(fake_sysfs "$name" "$tmp/$name.bin")
	probe "$dir"
	expect "$name: sysfs" 0 "$out"
	probe "$dir/"
	expect "$name: sysfs, trailing slash" 0 "$out"
done
if [ "$n_phones" -eq 15 ] && [ "$n_fixtures" -eq 16 ]; then ok; else
	not_ok "fixtures: $n_phones telephony of $n_fixtures, wanted 15 of 16"; fi

# --- descriptors it cannot parse: no properties, exit 0, a reason on stderr --------------

# The 380c cut inside its Headset collection; then inside an item's data bytes.
hex2bin "$DATA/jabra-link-380c.rdesc.hex" "$tmp/380c.bin"
dd if="$tmp/380c.bin" of="$tmp/cut.bin" bs=1 count=200 2>/dev/null
probe --rdesc "$tmp/cut.bin"
expect "truncated descriptor (--rdesc)" 0 "" "byte offset"
probe "$(fake_sysfs cut "$tmp/cut.bin")"
expect "truncated descriptor (sysfs)" 0 "" "report_descriptor: byte offset"
printf '05 0b 09 05 a1 01 85 02 09 20 75 01 95 01 81\n' >"$tmp/cut-item.hex"
probe --rdesc "$tmp/cut-item.hex"
expect "descriptor ending inside an item" 0 "" "byte offset"
# A Telephony collection that is opened but never closed is still no phone.
printf '05 0b 09 05 a1 01\n' >"$tmp/unclosed.hex"
probe --rdesc "$tmp/unclosed.hex"
expect "unclosed Telephony collection" 0 "" "not closed"
: >"$tmp/empty.bin"
probe "$(fake_sysfs empty "$tmp/empty.bin")"
if [ "$rc" -eq 0 ] && [ ! -s "$tmp/out" ]; then ok; else not_ok "empty descriptor: rc=$rc"; fi
dd if=/dev/zero of="$tmp/huge.bin" bs=1024 count=65 2>/dev/null
probe "$(fake_sysfs huge "$tmp/huge.bin")"
expect "descriptor over 65535 bytes" 0 "" "larger than 65535"

# --- no answer: exit 1 with the reason; usage errors exit 2 ------------------------------

probe --rdesc "$tmp/missing.hex"
expect "missing --rdesc file" 1 "" "missing.hex: No such file"
probe "$tmp/sys/devices/gone/hidraw/hidraw9"
expect "missing sysfs device" 1 "" "hidraw9/device/report_descriptor: No such file"
printf '05 0b\n09 zz\n' >"$tmp/bad.hex"
probe --rdesc "$tmp/bad.hex"
expect "not hex text" 1 "" "bad.hex:2:4: expected a hex byte"
probe
expect "no arguments" 2 "" "Usage"
probe --rdesc
expect "--rdesc without a file" 2 "" "Usage"
probe --bogus
expect "unknown option" 2 "" "Usage"
probe "$tmp/a" "$tmp/b"
expect "two paths" 2 "" "Usage"
probe --help
if [ "$rc" -eq 0 ] && grep -q Usage "$tmp/out"; then ok; else not_ok "--help: rc=$rc"; fi

# udev runs the probe early at boot for every hidraw node: libc must be all it loads.
if command -v readelf >/dev/null 2>&1; then
	# (plus the sanitizer runtimes when built for check-sanitize)
	needed=$(readelf -d "$PROBE" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
		grep -Ev '^(libc|libm|libdl|libpthread|librt)\.so|^ld-linux' |
		grep -Ev '^(libasan|libubsan|libstdc\+\+|libgcc_s)\.so')
	if [ -z "$needed" ]; then ok; else not_ok "probe links more than libc: $needed"; fi
fi

# --- the rules file ---------------------------------------------------------------------

grep -v '^[[:space:]]*#' "$RULES" >"$tmp/rules"
if grep -q 'MODE' "$tmp/rules"; then not_ok "rules set MODE; use TAG+=\"uaccess\""; else ok; fi
if grep -q 'GROUP\|OWNER' "$tmp/rules"; then not_ok "rules set GROUP or OWNER"; else ok; fi
if grep -q '^ENV{ID_HIDPHONE}=="1", TAG+="uaccess"$' "$tmp/rules"; then ok; else
	not_ok "rules lack ENV{ID_HIDPHONE}==\"1\", TAG+=\"uaccess\""; fi
if grep -q '^IMPORT{program}="hidphone-probe %S%p"$' "$tmp/rules"; then ok; else
	not_ok "rules do not import hidphone-probe %S%p"; fi
if grep -q '^SUBSYSTEM!="hidraw", GOTO="hidphone_end"$' "$tmp/rules" &&
   grep -q '^ACTION!="add|change", GOTO="hidphone_end"$' "$tmp/rules" &&
   grep -q '^LABEL="hidphone_end"$' "$tmp/rules"; then ok; else
	not_ok "rules do not limit themselves to hidraw add/change"; fi
# Every non-comment line is one of: blank, a match/assignment list, a GOTO label.
if grep -v -e '^$' -e '^[A-Z][A-Z_]*\({[a-z_A-Z]*}\)\{0,1\}[!=+:]\{0,1\}=".*"$' \
	-e '^[A-Z][A-Z_]*\({[a-z_A-Z]*}\)\{0,1\}[!=+:]\{0,1\}=".*", [A-Z].*"$' "$tmp/rules" \
	>"$tmp/odd"; then not_ok "rules lines that are not udev rules: $(cat "$tmp/odd")"; else ok; fi

# The uaccess tag must be set before any installed rule that acts on it (71-seat.rules adds
# the seat tag, 73-seat-late.rules runs the uaccess builtin): rule files run in C-locale
# order of their names.
ours=$(basename "$RULES")
seen=0
names=" "
for f in /etc/udev/rules.d/*.rules /usr/lib/udev/rules.d/*.rules /lib/udev/rules.d/*.rules; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	# /lib is /usr/lib on merged-/usr systems, and /etc overrides a file of the same name.
	case $names in *" $b "*) continue ;; esac
	names="$names$b "
	[ "$b" = "$ours" ] && continue
	grep -v '^[[:space:]]*#' "$f" | grep -q 'TAG=="uaccess"' || continue
	seen=$((seen + 1))
	first=$(printf '%s\n%s\n' "$b" "$ours" | LC_ALL=C sort | head -n 1)
	if [ "$first" = "$ours" ]; then ok; else not_ok "$f acts on uaccess before $ours runs"; fi
done
if [ "$seen" -eq 0 ]; then
	echo "udev: no installed rules act on TAG==\"uaccess\"; ordering checked by name only"
	first=$(printf '%s\n%s\n%s\n' 73-seat-late.rules 71-seat.rules "$ours" | LC_ALL=C sort | head -n 1)
	if [ "$first" = "$ours" ]; then ok; else not_ok "$ours does not sort before 71-seat.rules"; fi
fi

if command -v udevadm >/dev/null 2>&1 && udevadm verify --help >/dev/null 2>&1; then
	if udevadm verify --resolve-names=never "$RULES" >"$tmp/verify" 2>&1; then ok; else
		not_ok "udevadm verify: $(cat "$tmp/verify")"; fi
else
	echo "udev: udevadm verify not available (systemd < 254); rules checked by pattern only"
fi

echo "udev: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
