#!/bin/sh
# Runs one libFuzzer target for a while on its corpus and prints what it did.
# Usage: run-fuzz.sh BINARY SECONDS CORPUS_DIR
# Any crash, leak, sanitizer report or timeout fails the run with the log's tail and the
# reproducer that libFuzzer saved under the build directory.
set -u
bin=$1 seconds=$2 corpus=$3
log=$bin.log
artifacts=$(dirname "$bin")/artifacts/
mkdir -p "$artifacts"
"$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
if [ $rc -ne 0 ]; then
	tail -n 40 "$log"
	echo "fuzz: $(basename "$bin") FAILED (exit $rc); reproducers in $artifacts"
	exit 1
fi
echo "fuzz: $(basename "$bin"): ${runs:-?} inputs in ${seconds}s (${rate:-?}/s), no crash, leak or timeout"
