#!/usr/bin/env bash
# Runs libFuzzer targets for a bounded time each (make fuzz, make test).
#
#   tests/fuzz/run.sh SECONDS build/fuzz/fuzz_options ...
#
# Seeds: tests/fuzz/corpus/<target>/ (read only). What the fuzzer finds goes to
# build/fuzz/corpus/<target>/ (kept between runs); a crash, leak, timeout or
# failed check is written to tests/fuzz/crashes/<target>-<kind>-<sha1> and
# fails the run. Reproduce one with: build/fuzz/<target> tests/fuzz/crashes/<file>
set -u

secs=${1:?seconds}
shift
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$dir/../.." && pwd)
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	seeds=$dir/corpus/$name
	work=$top/build/fuzz/corpus/$name
	log=$top/build/fuzz/$name.log
	mkdir -p "$work" "$dir/crashes"
	[ -d "$seeds" ] || { echo "not ok - $name: no seed corpus $seeds"; failed=1; continue; }
	start=$(date +%s)
	# -timeout: one input may take 10 s; -rss_limit_mb: 2 GiB; -max_len: inputs of 4 KiB.
	# The outer timeout bounds the whole run even if libFuzzer hangs in its own exit.
	timeout -k 10 $((secs + 60)) "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/$name-" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log")
	cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n1)
	if [ "$rc" -ne 0 ]; then
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 20 | sed 's/^/#   /'
		echo "not ok - $name: exit status $rc after $(($(date +%s) - start)) s (log: $log)"
		failed=1
	else
		echo "ok - $name: ${runs:-?} inputs in $(($(date +%s) - start)) s, ${cov:-cov ?}, corpus $(ls "$work" | wc -l) + $(ls "$seeds" | wc -l) seeds"
	fi
done
exit "$failed"
