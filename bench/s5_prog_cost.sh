#!/usr/bin/env bash
# Scenario 5: kernel cost per packet of icmpmon_xdp, icmpmon_tc_in and
# icmpmon_egress, measured by BPF_PROG_TEST_RUN (bench/prog_cost.c), and of
# the transmit hook icmpmon_wire, measured by the kernel's run-time statistics
# on packets prog_cost sends over lo in a network namespace of its own.
set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
: "${BENCH_OUT:=$BENCH_DIR/results/data}"
: "${PROG_COST:=$BENCH_DIR/../build/bench/prog_cost}"
mkdir -p "$BENCH_OUT"
[ -x "$PROG_COST" ] || { echo "s5_prog_cost: $PROG_COST missing (make bench builds it)" >&2; exit 1; }
timeout -k 5 "${S5_TIMEOUT:-120}" "$PROG_COST" --repeat "${S5_REPEAT:-1000000}" --rounds "${S5_ROUNDS:-5}" \
	> "$BENCH_OUT/s5_prog_cost.tsv.tmp" 2> "$BENCH_OUT/s5_prog_cost.log" || {
	echo "s5_prog_cost: prog_cost failed: $(cat "$BENCH_OUT/s5_prog_cost.log")" >&2
	exit 1
}
mv "$BENCH_OUT/s5_prog_cost.tsv.tmp" "$BENCH_OUT/s5_prog_cost.tsv"
echo "jit=$(cat /proc/sys/net/core/bpf_jit_enable) kernel=$(uname -r)" >> "$BENCH_OUT/s5_prog_cost.log"
cat "$BENCH_OUT/s5_prog_cost.log" >&2
