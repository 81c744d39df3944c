#!/usr/bin/env bash
# icmpmon benchmarks, side by side with ping, fping and icmpmon's own socket
# mode. Needs root, build/icmpmon, build/bench/prog_cost (make bench does all).
#
#   bench/run.sh                 every scenario, then results/latest.md and the plots
#   BENCH_SCENARIOS="1 4" bench/run.sh    some of them (the others' data is kept)
#   BENCH_SCENARIOS=10 bench/run.sh       the fleet-scale run (Prometheus, 65,536 targets, ~6 min)
#
# Each scenario script creates its own network namespaces and removes them
# on exit (bench/lib.sh); every tool run and load generator is bounded by
# timeout(1), every scenario by BENCH_SCENARIO_LIMIT seconds, and a scenario
# that would start after BENCH_BUDGET seconds is skipped.
set -u

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
: "${ICMPMON:=$ROOT/build/icmpmon}"
: "${PROG_COST:=$ROOT/build/bench/prog_cost}"
: "${VERIF_COST:=$ROOT/build/bench/verif_cost}"
: "${SEND_FLOOR:=$ROOT/build/bench/send_floor}"
: "${BENCH_SCENARIOS:=1 2 3 4 5 6 7 8 9}"
: "${BENCH_BUDGET:=1380}"
RESULTS=$BENCH_DIR/results
export BENCH_OUT=$RESULTS/data
export BENCH_RAW=$RESULTS/raw

die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, BPF)"
[ -x "$ICMPMON" ] || die "$ICMPMON missing: run make first"
for t in ip tc tcpdump hping3 stress-ng fping ping gnuplot jq bpftool awk timeout nice; do
	command -v "$t" >/dev/null || die "$t is missing (make bench-deps)"
done
case " $BENCH_SCENARIOS " in
*" 10 "*) for t in prometheus curl; do command -v "$t" >/dev/null || die "$t is missing (make bench-deps)"; done ;;
esac
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (make bench-deps)"

start=$(date +%s)
work=$(mktemp -d /tmp/icmpmon-bench-run.XXXXXX)
child=""
on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	rm -rf "$work"
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# The binary under test, copied once: a rebuild during the run cannot swap it.
cp "$ICMPMON" "$work/icmpmon" || die "cannot copy $ICMPMON"
export ICMPMON=$work/icmpmon
export PROG_COST VERIF_COST SEND_FLOOR

# A run of scenarios 1-9 replaces every result; a run of some scenarios
# replaces only theirs and keeps the others' data and meta.tsv.
full=1
for s in 1 2 3 4 5 6 7 8 9; do
	case " $BENCH_SCENARIOS " in *" $s "*) ;; *) full=0 ;; esac
done
if [ "$full" = 1 ]; then
	rm -rf "$BENCH_OUT" "$BENCH_RAW"
else
	for s in $BENCH_SCENARIOS; do rm -f "$BENCH_OUT"/s"$s"_* "$BENCH_OUT/plot_s$s.dat" "$BENCH_RAW"/s"$s"_* "$BENCH_RAW"/s"$s"-*; done
fi
mkdir -p "$BENCH_OUT" "$BENCH_RAW"

ver() { "$@" 2>&1 | head -n 1 | tr -s ' \t' ' ' | cut -c1-60; }
machine="$(nproc) CPUs ($(lscpu 2>/dev/null | awk -F': *' '/^Model name/ { print $2; exit }')$(lscpu 2>/dev/null | awk -F': *' '/^Hypervisor vendor/ { print ", " $2 " guest"; exit }')), $(free -g | awk '/^Mem:/ { print $2 " GiB" }'), Linux $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null)"
build="$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown) ($("$ICMPMON" --version 2>/dev/null))"
{
	printf 'date\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'machine\t%s\n' "$machine"
	printf 'icmpmon\t%s\n' "$build"
	# where and with which build each scenario ran (a partial run replaces only its own)
	for s in $BENCH_SCENARIOS; do printf 's%s_machine\t%s\ns%s_icmpmon\t%s\n' "$s" "$machine" "$s" "$build"; done
	printf 'fping\t%s\n' "$(ver fping -v)"
	printf 'ping\t%s\n' "$(ver ping -V)"
	printf 'hping3\t%s\n' "hping3 $(dpkg-query -W -f='${Version}' hping3 2>/dev/null)"
	printf 'stress_ng\t%s\n' "stress-ng $(dpkg-query -W -f='${Version}' stress-ng 2>/dev/null)"
	printf 'tcpdump\t%s\n' "$(ver tcpdump --version)"
	printf 'flood\t%s\n' "${FLOOD_INSTANCES:-2} x hping3 --icmp ${FLOOD_ARGS:---flood} (nice ${FLOOD_NICE:--5})"
	printf 's1_job\t%s\n' "${S1_N:-${N_TARGETS:-2000}} targets, ${S1_COUNT:-5} probes each, one per target every ${S1_PERIOD:-1} s, spread evenly"
	printf 's2_job\t%s\n' "${S2_N:-${N_TARGETS:-2000}} targets (ping: ${S2_N_PING:-100}), ${S2_COUNT:-5} probes each, one per target every ${S2_PERIOD:-1} s"
	printf 's2_reps\t%s\n' "${S2_REPS:-2}"
	printf 's3_step\t%s\n' "${S3_STEP_SECS:-2}"
	printf 's3_confirm\t%s\n' "${S3_CONFIRM_SECS:-11}"
	printf 's3_rates\t%s\n' "$(echo "${S3_RATES:-200 500 1000 2000 5000 10000 20000 30000 40000 50000 70000 100000 150000 200000 300000}" | tr ' ' ',')"
	printf 's4_job\t%s\n' "${S4_N:-10} targets, ${S4_COUNT:-100} probes each every ${S4_PERIOD:-0.1} s"
	printf 's4_prequeue\t%s\n' "$(cat /proc/sys/net/core/netdev_tstamp_prequeue 2>/dev/null)"
	printf 's5_note\t%s\n' "BPF JIT: $(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null)."
	printf 's9_job\t%s\n' "TBF ${S9_RATE:-20mbit} on the prober's veth with a bulk UDP flow behind it; ${S9_COUNT:-40} probes every ${S9_PERIOD:-0.1} s"
	printf 's6_job\t%s\n' "${S6_COUNT:-3}-round, one-probe-per-second"
	printf 's7_job\t%s\n' "${S7_N:-4096} targets, once a second, ${S7_SECS:-20} s; count job -c ${S7_COUNT:-10}; ${S7_REPS:-2} runs each"
} > "$work/meta.tsv"
if [ "$full" = 1 ] || [ ! -s "$BENCH_OUT/meta.tsv" ]; then
	cp "$work/meta.tsv" "$BENCH_OUT/meta.tsv"
fi

limit_of() {
	case $1 in
	1) echo 300 ;; 2) echo 300 ;; 3) echo 360 ;; 4) echo 300 ;; 5) echo 150 ;; 6) echo 150 ;; 7) echo 240 ;;
	9) echo 150 ;; 10) echo $((${BENCH_FLEET_SECONDS:-300} + 240)) ;; *) echo 120 ;;
	esac
}

status=""
for s in $BENCH_SCENARIOS; do
	script=$(ls "$BENCH_DIR"/s"$s"_*.sh 2>/dev/null | head -n 1)
	[ -n "$script" ] || die "no scenario $s"
	elapsed=$(($(date +%s) - start))
	if [ "$elapsed" -ge "$BENCH_BUDGET" ]; then
		echo "bench: skipping scenario $s: ${elapsed}s already spent (BENCH_BUDGET=$BENCH_BUDGET)" >&2
		status="$status $s:skipped(budget)"
		continue
	fi
	lim=${BENCH_SCENARIO_LIMIT:-$(limit_of "$s")}
	echo "== scenario $s: $(basename "$script") (at most ${lim}s)" >&2
	t0=$(date +%s)
	timeout -k 15 "$lim" bash "$script" &
	child=$!
	wait "$child"
	rc=$?
	child=""
	dt=$(($(date +%s) - t0))
	echo "== scenario $s: exit $rc in ${dt}s" >&2
	if [ "$rc" -eq 0 ]; then
		status="$status $s:ok(${dt}s)"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		status="$status $s:TIMED-OUT(${dt}s)"
	else
		status="$status $s:FAILED(exit $rc)"
	fi
done

# Nothing of ours may outlive the run: the scripts remove their namespaces
# themselves; a namespace of a killed script (its shell is gone) goes here.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^imb-[prf]-[0-9]+$'); do
	pid=${ns##*-}
	if ! kill -0 "$pid" 2>/dev/null; then
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
		echo "bench: removed namespace $ns left by a killed scenario" >&2
	fi
done

runtime=$(($(date +%s) - start))
if [ "$full" = 1 ]; then
	printf 'runtime_s\t%s\n' "$runtime" >> "$BENCH_OUT/meta.tsv"
	printf 'scenarios\t%s\n' "${status# }" >> "$BENCH_OUT/meta.tsv"
else
	# The kept meta.tsv: this run's statuses, and its sN_* lines (how the job
	# was asked for), replace those of the same scenarios. A status is
	# "N:result" and the date it ran, "(YYYY-MM-DD HH:MM UTC)".
	awk -F'\t' -v new="${status# }" -v ran=" $BENCH_SCENARIOS " -v when="$(date -u '+%Y-%m-%d %H:%M UTC')" '
		function scen(key) { return key ~ /^s[0-9]+_/ ? substr(key, 2, index(key, "_") - 2) : "" }
		BEGIN { n = split(new, a, " "); for (i = 1; i <= n; i++) { split(a[i], kv, ":"); st[kv[1]] = a[i] " (" when ")" } }
		FNR == NR { if (scen($1) != "" && index(ran, " " scen($1) " ")) fresh[$1] = $0; next }
		$1 == "scenarios" { m = split($2, b, " "); out = ""; keep = 0
			for (i = 1; i <= m; i++) {
				if (b[i] ~ /^[0-9]+:[A-Za-z]/) { split(b[i], kv, ":"); keep = !(kv[1] in st) }
				if (keep) out = out (out == "" ? "" : " ") b[i]
			}
			for (k in st) out = out (out == "" ? "" : " ") st[k]
			print "scenarios\t" out; done = 1; next }
		$1 in fresh { print fresh[$1]; delete fresh[$1]; next }
		{ print }
		END { for (k in fresh) print fresh[k]
			if (!done) { out = ""; for (k in st) out = out (out == "" ? "" : " ") st[k]; print "scenarios\t" out } }' \
		"$work/meta.tsv" "$BENCH_OUT/meta.tsv" > "$work/meta.merged" && cp "$work/meta.merged" "$BENCH_OUT/meta.tsv"
fi
bash "$BENCH_DIR/report.sh" "$BENCH_OUT" "$RESULTS/latest.md" || echo "bench: report.sh failed" >&2
gnuplot -e "data='$BENCH_OUT'; out='$RESULTS'" "$BENCH_DIR/plot.gp" 2>"$work/gnuplot.err" ||
	{ echo "bench: gnuplot failed:" >&2; cat "$work/gnuplot.err" >&2; }
# The plots exist only now: write the report again so that it links them.
bash "$BENCH_DIR/report.sh" "$BENCH_OUT" "$RESULTS/latest.md" || true
echo "bench: done in ${runtime}s:${status}" >&2
echo "bench: $RESULTS/latest.md" >&2
