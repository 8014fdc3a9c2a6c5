#!/bin/sh
# The kernel as an oracle for the project's report-descriptor parser, on the host after a
# VM run: for every fixture, the kernel's own parse (debugfs hid/<dev>/rdesc, exported by
# the guest as $OUT/<fixture>.kernel-rdesc.txt) against `phonectl describe --json`.
# compare-rdesc.awk says what is compared and the one known, explained difference.
#
#   sh test/vm/compare-rdesc.sh FIRST_TAP_NUMBER
#
# Environment: PHONECTL (default build/phonectl), OUT (default build/vm/out), FIXTURES
# (default test/data/descriptors), TSV (default test/vm/phones.tsv).
# Prints one TAP line per fixture, numbered from FIRST_TAP_NUMBER, with the findings as
# diagnostics; exit status 0 when every fixture agrees.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHONECTL=${PHONECTL:-$ROOT/build/phonectl}
OUT=${OUT:-$ROOT/build/vm/out}
FIXTURES=${FIXTURES:-$ROOT/test/data/descriptors}
TSV=${TSV:-$HERE/phones.tsv}
n=${1:-1}
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v jq >/dev/null || { echo "not ok $n - kernel oracle: jq is not installed"; exit 1; }

for fx in $(grep -v '^#' "$TSV" | cut -f1); do
	kfile=$OUT/$fx.kernel-rdesc.txt
	desc=$FIXTURES/$fx.rdesc.hex
	if [ ! -s "$kfile" ]; then
		echo "not ok $n - kernel oracle: $fx: no kernel parse ($kfile not exported)"
		n=$((n + 1))
		failed=$((failed + 1))
		continue
	fi
	if ! "$PHONECTL" describe --json --rdesc "$desc" >"$tmp/ours.json" 2>"$tmp/err"; then
		echo "not ok $n - kernel oracle: $fx: phonectl describe failed: $(cat "$tmp/err")"
		n=$((n + 1))
		failed=$((failed + 1))
		continue
	fi
	jq -r '
		(.reports[] | "R \(.kind) \(.id) \(.bits)"),
		(.fields[] | "F \(.kind) \(.report_id) \(.bit_offset) \(.bit_size) \(.count) \(.flags) " +
			"\(if .variable then 1 else 0 end) \(.usage_page) \(.usage // "-") " +
			"\(if .usage_page_after_usage then 1 else 0 end) \(.descriptor_offset) " +
			"\(.extended_usages | map(tostring) | join(",") | if . == "" then "-" else . end)")
	' "$tmp/ours.json" >"$tmp/ours.txt" || {
		echo "not ok $n - kernel oracle: $fx: unexpected JSON from phonectl"
		n=$((n + 1))
		failed=$((failed + 1))
		continue
	}
	awk -v fx="$fx" -f "$HERE/compare-rdesc.awk" "$desc" "$kfile" "$tmp/ours.txt" >"$tmp/result" 2>"$tmp/err" || echo "P awk failed: $(head -n 3 "$tmp/err")" >>"$tmp/result"
	summary=$(sed -n 's/^S //p' "$tmp/result")
	if grep -q '^P ' "$tmp/result" || [ -z "$summary" ]; then
		echo "not ok $n - kernel oracle: $fx: the kernel's parse and ours disagree ($summary)"
		failed=$((failed + 1))
	else
		echo "ok $n - kernel oracle: $fx: report extents and every field agree with the kernel's parse ($summary)"
	fi
	sed -n -e 's/^P /#   DISAGREE: /p' -e 's/^X /#   explained: /p' -e 's/^I /#   /p' "$tmp/result"
	n=$((n + 1))
done
[ "$failed" -eq 0 ]
