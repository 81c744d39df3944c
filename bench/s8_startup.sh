#!/usr/bin/env bash
# Scenario 8: start-up. Wall time of `icmpmon -c 1 -q 127.0.0.1` next to
# `ping -c 1 -q 127.0.0.1` (S8_RUNS runs each, alternating; median and min),
# and what loading the BPF object costs, program by program
# (bench/verif_cost.c: verified_insns, load time). Traffic: 127.0.0.1 only,
# no namespace needed.
set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
: "${BENCH_OUT:=$BENCH_DIR/results/data}"
: "${ICMPMON:=$BENCH_DIR/../build/icmpmon}"
: "${VERIF_COST:=$BENCH_DIR/../build/bench/verif_cost}"
RUNS=${S8_RUNS:-10}
mkdir -p "$BENCH_OUT"
[ -x "$VERIF_COST" ] || { echo "s8_startup: $VERIF_COST missing (make bench builds it)" >&2; exit 1; }
OUT=$BENCH_OUT/s8_startup.tsv
printf 'tool\trun\twall_ms\trc\n' > "$OUT"

for ((i = 1; i <= RUNS; i++)); do
	for tool in icmpmon ping; do
		if [ "$tool" = icmpmon ]; then cmd=("$ICMPMON" -c 1 -q 127.0.0.1); else cmd=(ping -c 1 -q 127.0.0.1); fi
		t0=$(date +%s%N)
		timeout -k 2 20 "${cmd[@]}" >/dev/null 2>&1
		rc=$?
		printf '%s\t%d\t%.1f\t%d\n' "$tool" "$i" "$(( $(date +%s%N) - t0 ))e-6" "$rc" >> "$OUT"
	done
done
timeout -k 5 "${S8_TIMEOUT:-120}" "$VERIF_COST" --rounds "${S8_ROUNDS:-3}" > "$BENCH_OUT/s8_verifier.tsv.tmp" &&
	mv "$BENCH_OUT/s8_verifier.tsv.tmp" "$BENCH_OUT/s8_verifier.tsv" || { echo "s8_startup: verif_cost failed" >&2; exit 1; }
awk -F'\t' 'NR > 1 { print $1, $3 " ms" }' "$OUT" | sort | awk '{ a[$1] = a[$1] " " $2 } END { for (k in a) print k ":" a[k] }' >&2
cat "$BENCH_OUT/s8_verifier.tsv" >&2
