#!/usr/bin/env bash
# Turns the TSV files of a benchmark run (bench/results/data) into
# bench/results/latest.md and the gnuplot input files. Reads only; runs nothing.
#   report.sh DATA_DIR OUT_MD
set -u
D=${1:-$(dirname "$0")/results/data}
MD=${2:-$(dirname "$0")/results/latest.md}

# tbl FILE AWK-PROGRAM: runs the program over FILE with h[name] = column
# number from the header line; the program sees data rows only.
tbl() {
	local f=$1 prog=$2
	[ -s "$f" ] || return 0
	awk -F'\t' "
		function v(name) { return (name in h) ? \$(h[name]) : \"NA\" }
		function ratio(a, b) { return (a == \"NA\" || b == \"NA\" || b + 0 == 0) ? \"NA\" : sprintf(\"%.2f\", a / b) }
		function pct(a, b) { return (a == \"NA\" || b == \"NA\" || b + 0 == 0) ? \"NA\" : sprintf(\"%.3f %%\", 100 * a / b) }
		NR == 1 { for (i = 1; i <= NF; i++) h[\$i] = i; next }
		$prog" "$f"
}

# One value: val FILE AWK-CONDITION COLUMN
val() {
	tbl "$1" "$2 { print v(\"$3\"); exit }"
}

meta() { awk -F'\t' -v k="$1" '$1 == k { print $2; exit }' "$D/meta.tsv" 2>/dev/null; }

yes_no() { [ "$1" = 1 ] && echo "**met**" || echo "**NOT met**"; }

{
echo "# icmpmon benchmarks: results"
echo
echo "Run: $(meta date), $(meta runtime_s) s end to end. Machine: $(meta machine)."
echo "Versions: icmpmon $(meta icmpmon), $(meta fping), $(meta ping), $(meta hping3), $(meta stress_ng), $(meta tcpdump)."
echo
echo "> **Noisy numbers.** Other people were compiling and running test suites on this 2-core machine"
echo "> while this ran, so CPU times, rates and latencies carry their load too. Read the ratios as"
echo "> indicative; the lead reruns the suite on a quiet machine. The method is in bench/README.md."
echo
sc=$(meta scenarios)
[ -n "$sc" ] && echo "Scenario status: $sc" && echo
# Scenarios re-run since on another machine or build than the header's: where, and with what.
rerun=$(awk -F'\t' '$1 == "machine" { m = $2 } $1 == "icmpmon" { b = $2 }
	$1 ~ /^s[0-9]+_machine$/ { sm[substr($1, 2, index($1, "_") - 2)] = $2 }
	$1 ~ /^s[0-9]+_icmpmon$/ { sb[substr($1, 2, index($1, "_") - 2)] = $2 }
	END { for (k in sm) if (sm[k] != m || sb[k] != b) print k "\t" sm[k] "\t" sb[k] }' "$D/meta.tsv" 2>/dev/null | sort -n)
if [ -n "$rerun" ]; then
	echo "Re-run since, not as the header says:"
	echo
	echo "$rerun" | awk -F'\t' '{ printf "- scenario %s: %s; icmpmon %s\n", $1, $2, $3 }'
	echo
fi

# ---- targets -----------------------------------------------------------------
echo "## Targets"
echo
echo "| # | target | measured | verdict |"
echo "|---|---|---|---|"

S1=$D/s1_completeness.tsv
if [ -s "$S1" ]; then
	m_load=$(val "$S1" 'v("case") == "load" && v("tool") == "icmpmon"' missed)
	n_load=$(val "$S1" 'v("case") == "load" && v("tool") == "icmpmon"' targets)
	m_big=$(val "$S1" 'v("case") == "big" && v("tool") == "icmpmon"' missed)
	n_big=$(val "$S1" 'v("case") == "big" && v("tool") == "icmpmon"' targets)
	ok=0
	[ "$m_load" = 0 ] && { [ -z "$m_big" ] || [ "$m_big" = 0 ]; } && ok=1
	echo "| 1 | icmpmon misses 0 replies under flood + stress-ng | missed $m_load of the replies that reached the host ($n_load targets)${m_big:+; $m_big at $n_big targets} | $(yes_no $ok) |"
else
	echo "| 1 | icmpmon misses 0 replies under load | not run | - |"
fi

S2=$D/s2_cpu.tsv
if [ -s "$S2" ]; then
	# the run with the least CPU per condition (see s2_cpu.sh)
	least() { tbl "$S2" 'v("tool") == "icmpmon" && v("cond") == "'"$1"'" && v("cpu_s") != "" && v("rc") != 124 && (best == "" || v("cpu_s") + 0 < best + 0) { best = v("cpu_s"); out = v("'"$2"'") } END { print out }'; }
	q=$(least quiet cpu_s)
	fl=$(least flood cpu_s)
	qs=$(least quiet steady_s)
	fs=$(least flood steady_s)
	r=$(awk -v a="$fl" -v b="$q" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "NA" }')
	rs=$(awk -v a="$fs" -v b="$qs" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "NA" }')
	ok=$(awk -v r="$r" 'BEGIN { print (r != "NA" && r <= 1.2) ? 1 : 0 }')
	oks=$(awk -v r="$rs" 'BEGIN { print (r != "NA" && r <= 1.2) ? 1 : 0 }')
	verdict="$(yes_no "$ok") on user+sys"
	[ "$ok" != "$oks" ] && verdict="$verdict; the steady part alone: $(yes_no "$oks")"
	echo "| 2 | icmpmon CPU with flood / without <= 1.2x | ${r}x (user+sys $fl s / $q s); steady part after set-up ${rs}x ($fs s / $qs s) | $verdict |"
else
	echo "| 2 | CPU flood / no flood <= 1.2x | not run | - |"
fi

S3=$D/s3_max.tsv
if [ -s "$S3" ]; then
	im=$(val "$S3" 'v("tool") == "icmpmon"' max_rate)
	fp=$(val "$S3" 'v("tool") == "fping"' max_rate)
	r=$(awk -v a="$im" -v b="$fp" 'BEGIN { if (b + 0 > 0) printf "%.1f", a / b; else print "NA" }')
	ok=$(awk -v r="$r" 'BEGIN { print (r != "NA" && r >= 3) ? 1 : 0 }')
	echo "| 3 | icmpmon's rate >= 3x fping's (0 missed) | icmpmon ${im}/s, fping ${fp}/s: ${r}x | $(yes_no "$ok") |"
	ceil=$(val "$S3" 'v("tool") == "responder ceiling"' max_rate)
	ok=$(awk -v a="$im" 'BEGIN { print (a + 0 >= 200000) ? 1 : 0 }')
	echo "| 3b | icmpmon's rate >= 200,000/s (0 missed) | icmpmon ${im}/s; the responder alone answers ${ceil:-NA}/s here (hping3 --flood, nothing reading): $(awk -v a="$im" -v b="$ceil" 'BEGIN { if (b + 0 > 0) printf "%.0f %%", 100 * a / b; else print "NA" }') of that ceiling | $(yes_no "$ok")$([ "$ok" = 0 ] && awk -v b="$ceil" 'BEGIN { exit !(b + 0 > 0 && b + 0 < 200000) }' && echo ": the goal is above what this machine's responder answers") |"
else
	echo "| 3 | rate >= 3x fping | not run | - |"
fi

S4=$D/s4_accuracy.tsv
if [ -s "$S4" ]; then
	deb=$(val "$S4" 'v("tool") == "icmpmon" && v("cond") == "stress"' p99_debiased_us)
	bias=$(val "$S4" 'v("tool") == "icmpmon" && v("cond") == "stress"' mean_signed_us)
	wsp=$(val "$S4" 'v("tool") == "icmpmon" && v("cond") == "stress"' wire_spread_p99_us)
	wmed=$(val "$S4" 'v("tool") == "icmpmon" && v("cond") == "stress"' wire_median_us)
	# Judged against the wire: against the prober's tap alone the spread also holds the tap's own
	# filing of the request, which lies between its stamp and the driver (bench/README.md, scenario 4).
	ok=$(awk -v r="$wsp" 'BEGIN { print (r != "NA" && r != "" && r <= 5) ? 1 : 0 }')
	echo "| 4 | under stress-ng, p99 spread of (icmpmon - tap) around its median <= 5 us | against the wire (request off the veth's far end, reply at the prober's tap): $wsp us (signed median $wmed us); against the prober's tap alone, whose own filing of the request lies before the driver: $deb us (mean signed $bias us) | $(yes_no "$ok") |"
else
	echo "| 4 | under stress-ng, p99 spread of (icmpmon - tap) around its median <= 5 us | not run | - |"
fi

S5=$D/s5_prog_cost.tsv
if [ -s "$S5" ]; then
	worst=$(tbl "$S5" 'v("prog") == "icmpmon_xdp" && (v("case") == "udp" || v("case") == "echo-request" || v("case") == "foreign-reply") { if (v("ns_per_pkt") + 0 > m) m = v("ns_per_pkt") + 0 } END { print m + 0 }')
	base=$(val "$S5" 'v("prog") == "noop_xdp" && v("case") == "udp"' ns_per_pkt)
	net=$(awk -v a="$worst" -v b="$base" 'BEGIN { printf "%.0f", a - b }')
	ok=$(awk -v r="$worst" 'BEGIN { print (r <= 20) ? 1 : 0 }')
	okn=$(awk -v r="$net" 'BEGIN { print (r <= 20) ? 1 : 0 }')
	verdict="$(yes_no "$ok") as measured"
	[ "$ok" != "$okn" ] && verdict="$verdict; $(yes_no "$okn") once the harness's own cost is subtracted"
	echo "| 5 | <= 20 ns per non-matching packet (icmpmon_xdp) | up to $worst ns per packet as measured (UDP, echo request, foreign reply); $net ns above a 2-instruction XDP program ($base ns: the test-run harness) | $verdict |"
else
	echo "| 5 | <= 20 ns per non-matching packet | not run | - |"
fi
if [ -s "$S5" ] && [ -n "$(val "$S5" 'v("prog") == "icmpmon_wire"' ns_per_pkt)" ]; then
	w=$(val "$S5" 'v("prog") == "icmpmon_wire" && v("case") == "udp"' ns_per_pkt)
	wb=$(val "$S5" 'v("prog") == "noop_wire" && v("case") == "udp"' ns_per_pkt)
	wn=$(awk -v a="$w" -v b="$wb" 'BEGIN { printf "%.0f", a - b }')
	ok=$(awk -v r="$wn" 'BEGIN { print (r <= 20) ? 1 : 0 }')
	echo "| 5w | transmit hook: <= 20 ns per non-ICMP packet sent | $wn ns above a do-nothing program on the same tracepoint ($w ns vs $wb ns, kernel run-time statistics) | $(yes_no "$ok") |"
fi
S7=$D/s7_monitor.tsv
# least JOB TOOL COLUMN: COLUMN of the run of JOB by TOOL with the least CPU (other load only adds)
s7_least() { tbl "$S7" 'v("job") == "'"$1"'" && v("tool") == "'"$2"'" && v("cpu_s") != "" && (b == "" || v("cpu_s") + 0 < b + 0) { b = v("cpu_s"); o = v("'"$3"'") } END { print o }'; }
if [ -s "$S7" ]; then
	mi=$(s7_least monitor icmpmon ticks)
	mf=$(s7_least monitor fping ticks)
	r=$(awk -v a="$mi" -v b="$mf" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "NA" }')
	ok=$(awk -v r="$r" 'BEGIN { print (r != "NA" && r <= 0.25) ? 1 : 0 }')
	echo "| 6 | monitor job: icmpmon's CPU ticks <= 0.25x fping's | icmpmon $mi ticks, fping $mf ticks: ${r}x | $(yes_no "$ok") |"
	ci=$(s7_least count icmpmon cpu_s)
	cf=$(s7_least count fping cpu_s)
	r=$(awk -v a="$ci" -v b="$cf" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "NA" }')
	ok=$(awk -v r="$r" 'BEGIN { print (r != "NA" && r <= 0.5) ? 1 : 0 }')
	fl=$(s7_least count floor cpu_s)
	floor=""
	[ -n "$fl" ] && floor="; the floor (the same probes sent with nothing else, send_floor) $fl s: $(awk -v a="$fl" -v b="$cf" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "NA" }')x fping's"
	echo "| 7 | fping count job: icmpmon's CPU s <= 0.5x fping's | icmpmon $ci s, fping $cf s: ${r}x$floor | $(yes_no "$ok") |"
else
	echo "| 6 | monitor CPU <= 0.25x fping | not run | - |"
	echo "| 7 | count job CPU <= 0.5x fping | not run | - |"
fi
S8=$D/s8_startup.tsv
# median of wall_ms for a tool
s8_median() { tbl "$S8" 'v("tool") == "'"$1"'" { print v("wall_ms") }' | sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "NA" }'; }
if [ -s "$S8" ]; then
	si=$(s8_median icmpmon)
	sp=$(s8_median ping)
	ok=$(awk -v r="$si" 'BEGIN { print (r != "NA" && r <= 100) ? 1 : 0 }')
	echo "| 8 | icmpmon -c 1 -q 127.0.0.1 wall <= 100 ms | median $si ms (ping: $sp ms) | $(yes_no "$ok") |"
else
	echo "| 8 | start-up <= 100 ms | not run | - |"
fi
S9=$D/s9_egress_queue.tsv
if [ -s "$S9" ]; then
	e=$(val "$S9" 'v("tool") == "icmpmon --rtt-from wire"' rtt_err_median_us)
	t=$(val "$S9" 'v("tool") == "icmpmon --rtt-from wire"' tap_rtt_p50_us)
	p=$(val "$S9" 'v("tool") == "ping"' rtt_err_median_us)
	qe=$(val "$S9" 'v("tool") == "icmpmon --rtt-from wire"' queue_err_median_pct)
	q=$(val "$S9" 'v("tool") == "icmpmon --rtt-from wire"' queue_p50_ms)
	ok=$(awk -v a="$e" 'BEGIN { if (a < 0) a = -a; print (a != "NA" && a <= 200) ? 1 : 0 }')
	okq=$(awk -v a="$qe" 'BEGIN { if (a < 0) a = -a; print (a != "NA" && a <= 10) ? 1 : 0 }')
	echo "| 9 | full egress queue: median RTT within 0.2 ms of the tap | median error $e us (tap RTT p50 $t us; ping's error $p us) | $(yes_no "$ok") |"
	echo "| 9q | full egress queue: host queue delay within 10 % of the real one | median error $qe % (queue p50 $q ms) | $(yes_no "$okq") |"
else
	echo "| 9 | full egress queue: RTT within 0.2 ms of the tap | not run | - |"
fi
S10=$D/s10_fleet_scale.tsv
if [ -s "$S10" ]; then
	f10() { val "$S10" 1 "$1"; }
	n10=$(f10 targets)
	tb=$(f10 text_bytes)
	ok=$(awk -v b="$tb" 'BEGIN { print (b + 0 > 0 && b <= 16 * 1048576) ? 1 : 0 }')
	echo "| 10a | fleet scale: text /metrics <= 16 MiB with group histograms | $(awk -v b="$tb" 'BEGIN { printf "%.1f MiB", b / 1048576 }') at $n10 targets (--metrics-group-by $(f10 group_by)) | $(yes_no "$ok") |"
	sm=$(f10 scrape_max_s)
	ok=$(awk -v s="$sm" 'BEGIN { print (s != "NA" && s != "" && s < 2) ? 1 : 0 }')
	echo "| 10b | scrape_duration_seconds < 2 s (Prometheus, every $(f10 scrape_interval_s) s) | max $(awk -v s="$sm" 'BEGIN { printf "%.2f", s }') s, median $(awk -v s="$(f10 scrape_median_s)" 'BEGIN { printf "%.2f", s }') s over $(f10 scrapes) scrapes$(awk -v s="$(f10 static_first_s)" 'BEGIN { if (s != "NA" && s != "") printf " (a fresh Prometheus'"'"' first scrape of the same body from a static file: %.2f s)", s }') | $(yes_no "$ok") |"
	fl=$(f10 scrape_failures)
	ok=$([ "$fl" = 0 ] && echo 1 || echo 0)
	echo "| 10c | 0 scrape failures (up == 0) | $fl of $(f10 scrapes) | $(yes_no "$ok") |"
	to=$(f10 timeouts)
	ok=$([ "$to" = 0 ] && [ "$(f10 untracked)" = 0 ] && echo 1 || echo 0)
	echo "| 10d | 0 missed replies at $n10 targets, 1 s period | $to timeouts, $(f10 untracked) untracked, of $(f10 sent) probes ($(f10 replies) replies, $(f10 inflight) in flight) | $(yes_no "$ok") |"
	sr=$(f10 send_rate)
	ok=$(awk -v r="$sr" -v n="$n10" 'BEGIN { print (r != "NA" && r != "" && r >= 0.99 * n) ? 1 : 0 }')
	echo "| 10e | every target probed once a second ($n10 probes/s) | $sr probes/s sent while scraped (IcmpOutEchos) | $(yes_no "$ok") |"
fi
echo

# ---- 1 -------------------------------------------------------------------------
if [ -s "$S1" ]; then
echo "## 1. Completeness under load"
echo
echo "Flood: $(meta flood) toward the prober, through the bridge, onto the veth where icmpmon's XDP program sits;"
echo "stress-ng --cpu 0 on every CPU. *reached (stack)* is IcmpInEchoReps in the prober namespace,"
echo "*reached (tap)* the replies a packet tap captured on the prober's veth (after XDP); *missed* = reached (stack) - recorded"
echo "(when a tool printed no result at all: every reply that reached the stack)."
echo
echo "| case | tool | targets | probes planned | sent (tool) | sent (IcmpOutEchos) | reached (stack) | reached (tap) | recorded | missed | missed / reached | wall s | flood pkt/s | note |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
tbl "$S1" '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", v("case"), v("tool"), v("targets"), v("planned"), v("sent_tool"), v("sent_kernel"), v("reached_stack"), v("reached_tap") (v("tap_dropped") + 0 > 0 ? " (+" v("tap_dropped") " dropped by the tap)" : ""), v("recorded"), v("missed"), pct(v("missed"), v("reached_stack")), v("wall_s"), v("flood_pps"), v("note") }'
echo
echo "Cases: *load* = the same job for every tool ($(meta s1_job)); ping runs one process per target on fewer"
echo "targets (one process each: thousands of them would measure the process count, not ping)."
echo "*big* = icmpmon alone on $(val "$S1" 'v("case") == "big"' targets) targets under the same load. *seqlimit* = no load,"
echo "$(val "$S1" 'v("case") == "seqlimit"' targets) targets probed once within a second: fping 5.1 numbers all its probes from one"
echo "16-bit sequence space and refuses to reuse a number within 10 s, so the 65,536th probe sent within 10 s"
echo "makes it print \"not enough sequence numbers available\" and exit with status 4, before printing any"
echo "result; icmpmon keys probes by (target, identifier, per-target sequence) and has no such limit."
echo
fi

# ---- 2 -------------------------------------------------------------------------
if [ -s "$S2" ]; then
echo "## 2. Prober CPU, with and without the flood"
echo
echo "user+sys seconds of the prober process (/usr/bin/time; ping: all its processes) for $(meta s2_job);"
echo "each run $(meta s2_reps) times, the one with the least CPU shown (other load can only add)."
echo "*set-up* is what the process had used when the namespace's first echo request left (/proc/PID/stat):"
echo "for icmpmon mostly BPF verification and map creation, a fixed cost per start. *steady* = total - set-up."
echo "Kernel softirq work (XDP, the raw sockets' filters) is not in these numbers unless the kernel charged it"
echo "to the interrupted process (this kernel has no IRQ time accounting, so some is). A ratio below 1 is"
echo "not a saving: under the flood more of the receive and transmit softirq work runs in ksoftirqd instead"
echo "of in the prober's context, so less of it is charged to the prober."
echo
echo "| tool | targets | CPU s, no flood | CPU s, flood | flood / no flood | steady s, no flood | steady s, flood | steady ratio | set-up s (no flood / flood) | wall s (no flood / flood) | recorded/reached (stack)/sent (no flood / flood) | flood pkt/s | note |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|---|"
tbl "$S2" '
	{ k = v("tool"); n[k] = v("targets"); if (!(k in seen)) { seen[k] = 1; order[++m] = k }
	  if (v("cpu_s") == "" || v("rc") == 124) { bad[k, v("cond")]++; next }
	  if ((k, v("cond")) in c && c[k, v("cond")] + 0 <= v("cpu_s") + 0) next
	  c[k, v("cond")] = v("cpu_s"); s[k, v("cond")] = v("steady_s"); su[k, v("cond")] = v("setup_s")
	  w[k, v("cond")] = v("wall_s"); r[k, v("cond")] = v("recorded") "/" v("reached_stack") "/" v("sent"); fp[k] = (v("cond") == "flood") ? v("flood_pps") : fp[k] }
	END { for (i = 1; i <= m; i++) { k = order[i]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s / %s | %s | %s |\n", k, n[k], c[k, "quiet"], c[k, "flood"],
			ratio(c[k, "flood"], c[k, "quiet"]), s[k, "quiet"], s[k, "flood"], ratio(s[k, "flood"], s[k, "quiet"]),
			su[k, "quiet"], su[k, "flood"], w[k, "quiet"], w[k, "flood"], r[k, "quiet"], r[k, "flood"], fp[k],
			((k, "quiet") in bad || (k, "flood") in bad) ? sprintf("timed out and left out: %d run(s) without the flood, %d with it", bad[k, "quiet"], bad[k, "flood"]) : "" } }'
echo
fi

# ---- 3 -------------------------------------------------------------------------
if [ -s "$S3" ]; then
echo "## 3. Highest sustained rate with 0 missed replies"
echo
echo "No load. Steps of $(meta s3_step) s through $(meta s3_rates) probes/s; a step passes when >= 99 % of the planned"
echo "probes went out, every one was answered and recorded, and the achieved send rate was >= 90 % of the step."
echo "The best step is confirmed by a $(meta s3_confirm) s run. Achieved rates: IcmpOutEchos sampled every 10 ms."
echo "Why a step failed is in the step table: too few probes sent in time (achieved/s), or replies not recorded."
echo
fpm=$(val "$S3" 'v("tool") == "fping"' max_rate)
echo "| tool | max rate (probes/s) | targets | vs fping | note |"
echo "|---|---:|---:|---:|---|"
tbl "$S3" '{ printf "| %s | %s | %s | %s | %s |\n", v("tool"), v("max_rate"), v("targets"), ratio(v("max_rate"), "'"$fpm"'"), v("note") }'
echo
echo "<details><summary>every step</summary>"
echo
echo "| tool | phase | rate | targets | planned | sent | recorded | reached (stack) | achieved/s | wall s | pass | note |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
tbl "$D/s3_rate.tsv" '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", v("tool"), v("phase"), v("rate"), v("targets"), v("planned"), v("sent"), v("recorded"), v("reached_stack"), v("achieved_pps"), v("wall_s"), (v("pass") == 1 ? "yes" : "no"), v("note") }'
echo
echo "</details>"
echo
fi

# ---- 4 -------------------------------------------------------------------------
if [ -s "$S4" ]; then
echo "## 4. Accuracy: reported RTT vs packet tap"
echo
echo "$(meta s4_job). Truth: tcpdump on the prober's veth, nanosecond timestamps, reply time - request time."
echo "Second truth, *wire*: the request's time from a tap at the far end of the veth (the responder's side: the"
echo "peer's netif_rx stamps it as it comes off the veth, inside the prober's transmit, after the prober's tap has filed its copy),"
echo "the reply's from the prober's tap."
echo "Error = reported - truth. *de-biased p99*: p99 of |error - median error|, what is left once a constant"
echo "offset is removed. *source*: json = icmpmon --json rtt_ms (10 ns); lines = ping-style \`time=\` (1 us);"
echo "fping-C = fping -C values (1 us)."
echo
p99im=$(val "$S4" 'v("tool") == "icmpmon" && v("cond") == "stress"' p99_us)
echo "| tool | condition | source | matched / probes | abs error p50 us | p99 us | max us | mean signed error us | de-biased p99 us | tap RTT p50 us | p99 vs icmpmon (stress) | wire: matched | wire: signed median us | wire: spread p99 us |"
echo "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
tbl "$S4" '{ printf "| %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", v("tool"), v("cond"), v("source"), v("matched"), v("probes"), v("p50_us"), v("p99_us"), v("max_us"), v("mean_signed_us"), v("p99_debiased_us"), v("truth_p50_us"), (v("cond") == "stress" ? ratio(v("p99_us"), "'"$p99im"'") : ""), v("wire_matched"), v("wire_median_us"), v("wire_spread_p99_us") }'
echo
if [ -s "$D/s4_split.tsv" ]; then
echo "Where icmpmon's error comes from: its receive instant (JSON \`ts\`, 1 us) and transmit instant"
echo "(\`ts\` - rtt) set against the tap's reply and request times of the same probe. *rx* = icmpmon"
echo "receive - tap reply (negative: XDP runs before GRO and the tap), *tx* = icmpmon transmit - tap"
echo "request (the tap's copy is taken in dev_queue_xmit_nit, just before the driver hand-off that"
echo "icmpmon stamps; what the tap does with its copy lies between). error = rx - tx. Spread = p99 of"
echo "|x - median x|; the 1 us resolution of \`ts\` adds up to 1 us to the rx and tx spreads. *tx far* ="
echo "icmpmon transmit - the far tap's request time: the transmit side with nothing of a tap in between."
echo
echo "| tool | condition | probes | rx median us | rx spread p99 us | tx median us | tx spread p99 us | error spread p99 us | tx far median us | tx far spread p99 us |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
tbl "$D/s4_split.tsv" '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", v("tool"), v("cond"), v("probes"), v("rx_median_us"), v("rx_spread_p99_us"), v("tx_median_us"), v("tx_spread_p99_us"), v("err_spread_p99_us"), v("tx_far_median_us"), v("tx_far_spread_p99_us") }'
echo
fi
fi

# ---- 5 -------------------------------------------------------------------------
if [ -s "$S5" ]; then
echo "## 5. Kernel cost per packet (BPF_PROG_TEST_RUN)"
echo
echo "Mean ns per run over repeat runs on one frame (opts.duration), median of $(tbl "$S5" '{ print v("rounds"); exit }') rounds."
echo "noop_* are 2-instruction programs of the same type: the harness's own cost per run, which the"
echo "*above noop* column subtracts. $(meta s5_note)"
echo
echo "| program | packet | ns / packet | above noop | min | max | repeat |"
echo "|---|---|---:|---:|---:|---:|---:|"
tbl "$S5" '
	v("prog") == "noop_xdp" && v("case") == "udp" { bx = v("ns_per_pkt") }
	v("prog") == "noop_xdp" && v("case") == "udp@repeat1" { b1 = v("ns_per_pkt") }
	v("prog") == "noop_tc" { bt = v("ns_per_pkt") }
	{ row[++n] = $0; p[n] = v("prog"); c[n] = v("case"); ns[n] = v("ns_per_pkt"); mn[n] = v("min"); mx[n] = v("max"); rp[n] = v("repeat") }
	END { for (i = 1; i <= n; i++) {
		b = (c[i] ~ /repeat1|first-reply/) ? b1 : (p[i] ~ /xdp/ ? bx : bt)
		net = (p[i] ~ /^noop/ || b == "") ? "" : sprintf("%.0f", ns[i] - b)
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", p[i], c[i], ns[i], net, mn[i], mx[i], rp[i] } }'
echo
echo "Packets: *udp* (not ICMP), *echo-request* (what the flooder sends), *foreign-reply* (an echo reply with"
echo "another prober's identifier), *dup-reply* (our reply to an already answered probe: probes-map miss,"
echo "answered-LRU hit, stats, one ring-buffer event; the matching path that can repeat), *first-reply* (our"
echo "reply to an outstanding probe that userland re-inserts before each single run: probes-map hit and delete,"
echo "answered-map insert, stats, event; repeat 1, so compare it with *udp@repeat1*, measured the same way)."
echo "Egress: *our-request* stamps a probe (restamping the same key each run); the others pass untouched."
echo "*icmpmon_wire* (tp_btf/net_dev_start_xmit, the wire-nearest transmit stamp) cannot be test-run: it is"
echo "attached for real in a private namespace and the kernel's run-time statistics (BPF_ENABLE_STATS,"
echo "run_time_ns / run_cnt) give ns per packet sent over lo; *repeat* is packets per round. Its *above noop*"
echo "column subtracts *noop_wire*, a do-nothing program on the same tracepoint measured the same way (the"
echo "statistics' own cost). The hook runs for every packet the host sends on any device, so other traffic of"
echo "the machine during a round is averaged in."
echo
fi

# ---- 6 -------------------------------------------------------------------------
S6=$D/s6_footprint.tsv
if [ -s "$S6" ]; then
echo "## 6. Footprint"
echo
echo "Peak RSS (VmHWM, via /usr/bin/time) of a $(meta s6_job) run; for icmpmon's kernel mode the kernel memory"
echo "charged to its BPF maps and programs (memlock in /proc/PID/fdinfo while it runs). ping is one"
echo "process per target: N targets cost N times its single-target figure."
echo
echo "| tool | targets | peak RSS MiB | BPF maps MiB | BPF programs KiB | largest maps | exit | note |"
echo "|---|---:|---:|---:|---:|---|---:|---|"
tbl "$S6" '{
	mp = v("map_bytes"); pg = v("prog_bytes")
	n = split(v("maps"), a, ","); big = ""
	# the three largest maps
	for (j = 1; j <= 3; j++) { bi = 0; bv = -1; for (i = 1; i <= n; i++) { split(a[i], kv, "="); if (!(i in used) && kv[2] + 0 > bv) { bv = kv[2] + 0; bi = i } }
		if (bi) { used[bi] = 1; split(a[bi], kv, "="); big = big (big == "" ? "" : ", ") sprintf("%s %.1f MiB", kv[1], kv[2] / 1048576) } }
	delete used
	printf "| %s | %s | %.1f | %s | %s | %s | %s | %s |\n", v("tool"), v("targets"), v("maxrss_kib") / 1024,
		(mp == "NA" ? "-" : sprintf("%.1f", mp / 1048576)), (pg == "NA" ? "-" : sprintf("%.0f", pg / 1024)), big, v("rc"), v("note") }'
echo
echo "| goal (issue 11) | icmpmon, kernel mode | met? |"
echo "|---|---:|---|"
tbl "$S6" 'v("tool") == "icmpmon" && v("targets") == 65536 {
	r = v("maxrss_kib") / 1024
	printf "| peak RSS at 65,536 targets <= 64 MiB | %.1f MiB | %s |\n", r, (r <= 64 ? "yes" : "**no**") }'
echo
fi

# ---- 7 -------------------------------------------------------------------------
if [ -s "$S7" ]; then
echo "## 7. Monitoring cost next to fping"
echo
echo "Same run, same namespaces: $(meta s7_job). *monitor*: \`icmpmon --daemon --file T --period 1\` vs"
echo "\`fping -l -q -p 1000 -i 0.1 -f T\`, CPU ticks (utime+stime, /proc/PID/stat, $(getconf CLK_TCK)/s) of the prober from its"
echo "first echo request on, over the window. *count*: \`[icmpmon] fping -c 10 -p 1000 -i 0 -q -f T\`, user+sys s of the"
echo "whole run (/usr/bin/time, set-up included). On this test bed the responder's kernel answers inside the"
echo "prober's send (veth transmit runs the peer's receive in the sender's softirq), so both tools' figures"
echo "include the responder's work; see bench/README.md. *floor* (count job): bench/send_floor.c sends the same"
echo "probes on the same schedule from a raw socket, 64 to a sendmmsg, and reads nothing (no BPF, no timing):"
echo "what any prober pays on this test bed, the send path, the responder's answer and the reply's way back."
echo "A floor above half of fping's CPU puts the 0.5x target out of reach of any prober here."
echo
echo "| job | tool | run | targets | s | ticks | CPU s | set-up s | sent | replies | exit |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
tbl "$S7" '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", v("job"), v("tool"), v("rep"), v("targets"), v("secs"), v("ticks"), v("cpu_s"), v("setup_s"), v("sent"), v("recorded"), v("rc") }'
echo
fi

# ---- 8 -------------------------------------------------------------------------
if [ -s "$S8" ]; then
echo "## 8. Start-up"
echo
echo "Wall time of \`icmpmon -c 1 -q 127.0.0.1\` and \`ping -c 1 -q 127.0.0.1\` (median, min, max of the runs), and"
echo "what the verifier does per BPF program, each loaded alone with the loader's rodata (bench/verif_cost.c;"
echo "load ms includes the object's map creation). A run loads only what its interfaces need: XDP and tc egress"
echo "for an Ethernet link (the *xdp+egress* row)."
echo
echo "| tool | runs | median ms | min ms | max ms |"
echo "|---|---:|---:|---:|---:|"
for t in icmpmon ping; do
	tbl "$S8" 'v("tool") == "'"$t"'" { print v("wall_ms") }' | sort -g |
		awk -v t="$t" '{ a[NR] = $1 } END { if (NR) printf "| %s | %d | %s | %s | %s |\n", t, NR, a[int((NR + 1) / 2)], a[1], a[NR] }'
done
echo
if [ -s "$D/s8_verifier.tsv" ]; then
echo "| programs | verified insns | xlated insns | load ms |"
echo "|---|---:|---:|---:|"
tbl "$D/s8_verifier.tsv" '{ printf "| %s | %s | %s | %s |\n", v("prog"), v("verified_insns"), v("xlated_insns"), v("load_ms") }'
echo
fi
fi

# ---- 9 -------------------------------------------------------------------------
if [ -s "$S9" ]; then
echo "## 9. Accuracy with the prober's egress queue full"
echo
echo "$(meta s9_job). Truth: tcpdump on the prober's veth, which sees a request after the qdisc; its reply time"
echo "minus request time is the network RTT. icmpmon (default: RTT from the driver hand-off) and iputils ping run"
echo "at the same time to two targets, then icmpmon --rtt-from tc. *rtt error* = reported - tap (signed median,"
echo "p99 of |error|). *queue implied*: for icmpmon, tap request time - icmpmon's tc egress time (the reply's"
echo "timestamp minus its RTT and queue); for ping, its RTT - the tap's (the queue plus ping's user-space time)."
echo
echo "| tool | target | matched / probes | tap RTT p50 us | reported RTT p50 us | RTT error median us | RTT abs error p99 us | host queue p50 ms | queue implied p50 ms | queue error median % | queue abs error p99 % |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
tbl "$S9" '{ printf "| %s | %s | %s / %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", v("tool"), v("target"), v("matched"), v("probes"), v("tap_rtt_p50_us"), v("rtt_p50_us"), v("rtt_err_median_us"), v("rtt_abs_err_p99_us"), v("queue_p50_ms"), v("queue_implied_p50_ms"), v("queue_err_median_pct"), v("queue_abs_err_p99_pct") }'
echo
fi

# ---- 10 ------------------------------------------------------------------------
if [ -s "$S10" ]; then
echo "## 10. Fleet scale on Prometheus"
echo
echo "Run $(f10 date) ($(f10 version)), load average $(f10 load_start) at the start and $(f10 load_end) at the end."
echo "One daemon, \`icmpmon --daemon --file T --period 1 --metrics 10.200.0.1:9374 --metrics-group-by $(f10 group_by)\`,"
echo "on $n10 labelled targets (8 values of dc, 64 of rack) answered by the responder namespace's kernel,"
echo "scraped by Prometheus (text exposition, scrape_timeout 10 s) every $(f10 scrape_interval_s) s for $(f10 seconds) s."
echo "Scrape figures are Prometheus' own (\`scrape_duration_seconds\`, \`up\`, \`scrape_samples_scraped\`,"
echo "\`prometheus_tsdb_head_series\`); /metrics sizes are one curl at the end; CPU and VmHWM from /proc."
echo "Prometheus reports \`scrape_duration_seconds\` after it has parsed and appended the samples (the timer starts"
echo "before the request and is read in a deferred report after the append), while \`scrape_timeout\` bounds only"
echo "the request and reading the body: a scrape can take longer than the timeout without failing, and the figure"
echo "includes Prometheus' own ingestion (the first scrape also creates every series). The curl time of"
echo "/metrics is the exporter's part alone."
echo "The daemon's system time includes kernel work done in its context: the veth hands each probe to the"
echo "responder namespace's stack, which answers in the same softirq, and the reply comes back through XDP."
echo
echo "| measure | value | goal |"
echo "|---|---:|---|"
tbl "$S10" '{
	printf "| text /metrics | %.1f MiB (%d bytes, %d samples, %.2f s by curl) | <= 16 MiB |\n", v("text_bytes") / 1048576, v("text_bytes"), v("text_lines"), v("text_curl_s")
	printf "| protobuf /metrics (native histograms) | %.1f MiB (%.2f s by curl) | |\n", v("pb_bytes") / 1048576, v("pb_curl_s")
	printf "| group histograms | %s groups | |\n", v("groups")
	printf "| scrape_duration_seconds, max / median | %.3f / %.3f s | < 2 s |\n", v("scrape_max_s"), v("scrape_median_s")
	if (v("first_curl_s") != "" && v("first_curl_s") != "NA")
		printf "| the exporter'"'"'s first /metrics, by curl right after start-up | %.2f s | |\n", v("first_curl_s")
	if (v("static_first_s") != "" && v("static_first_s") != "NA")
		printf "| the same body from a static file server (%.2f s by curl): a fresh Prometheus'"'"' first / second scrape | %.3f / %.3f s | |\n", v("static_curl_s"), v("static_first_s"), v("static_next_s")
	printf "| scrapes, failed (up == 0) | %s, %s | 0 failed |\n", v("scrapes"), v("scrape_failures")
	printf "| scrape_samples_scraped / prometheus_tsdb_head_series | %s / %s | |\n", v("samples_scraped"), v("head_series")
	printf "| icmpmon CPU, total (set-up) | %s s (%s s) in %s s: %.2f CPU | |\n", v("cpu_s"), v("setup_cpu_s"), v("seconds"), (v("cpu_s") - v("setup_cpu_s")) / (v("seconds") > 0 ? v("seconds") : 1)
	printf "| icmpmon peak RSS (VmHWM) | %.1f MiB | <= 64 MiB |\n", v("vmhwm_kib") / 1024
	printf "| Prometheus CPU | %s s | |\n", v("prom_cpu_s")
	printf "| probes sent / replies / timeouts / in flight | %s / %s / %s / %s | 0 timeouts |\n", v("sent"), v("replies"), v("timeouts"), v("inflight")
	printf "| probes untracked (outstanding map full) | %s | 0 |\n", v("untracked")
	printf "| send rate while scraped (IcmpOutEchos) | %s probes/s | %s/s |\n", v("send_rate"), v("targets")
	printf "| daemon exit status | %s | 0 |\n", v("rc") }'
echo
if [ -s "$D/s10_scrapes.tsv" ]; then
	echo "<details><summary>every scrape (seconds since the first, scrape_duration_seconds, samples)</summary>"
	echo
	echo "| t s | duration s | samples |"
	echo "|---:|---:|---:|"
	tbl "$D/s10_scrapes.tsv" '{ printf "| %s | %.3f | %s |\n", v("time_s"), v("duration_s"), v("samples") }'
	echo
	echo "</details>"
	echo
fi
fi

echo "## Plots"
echo
echo "Drawn by bench/plot.gp from bench/results/data."
echo
for png in s1_completeness s2_cpu s3_rate s4_accuracy s5_prog_cost s6_footprint; do
	[ -s "$(dirname "$MD")/$png.png" ] && echo "![$png]($png.png)" && echo
done
} > "$MD"

# ---- plot input (bench/plot.gp reads these) ------------------------------------
[ -s "$S1" ] && tbl "$S1" '{ printf "\"%s\\n%s\"\t%s\t%s\t%s\n", v("tool"), v("case") " " v("targets"), v("reached_tap"), v("recorded"), (v("missed") == "NA" ? 0 : v("missed")) }' > "$D/plot_s1.dat"
[ -s "$S2" ] && tbl "$S2" '
	{ k = v("tool"); if (!(k in seen)) { seen[k] = 1; order[++m] = k }
	  if (v("cpu_s") == "" || v("rc") == 124) next
	  if ((k, v("cond")) in c && c[k, v("cond")] + 0 <= v("cpu_s") + 0) next
	  c[k, v("cond")] = v("cpu_s"); s[k, v("cond")] = v("steady_s") }
	END { for (i = 1; i <= m; i++) { k = order[i]; printf "\"%s\"\t%s\t%s\t%s\t%s\n", k, c[k, "quiet"], c[k, "flood"],
		(s[k, "quiet"] == "NA" ? c[k, "quiet"] : s[k, "quiet"]), (s[k, "flood"] == "NA" ? c[k, "flood"] : s[k, "flood"]) } }' > "$D/plot_s2.dat"
if [ -s "$D/s3_rate.tsv" ]; then
	: > "$D/plot_s3.dat"
	for t in icmpmon icmpmon-socket fping ping; do
		printf '"%s"\n' "$t" >> "$D/plot_s3.dat"
		tbl "$D/s3_rate.tsv" 'v("tool") == "'"$t"'" && v("phase") == "step" { print v("rate"), v("achieved_pps"), v("recorded") / (v("sent") + 0 > 0 ? v("sent") : 1), v("pass") }' >> "$D/plot_s3.dat"
		printf '\n\n' >> "$D/plot_s3.dat"
	done
fi
if [ -s "$D/s4_errors.tsv" ]; then
	: > "$D/plot_s4.dat"
	for k in $(tbl "$D/s4_errors.tsv" '{ print v("tool") "/" v("cond") }' | awk '!s[$0]++'); do
		printf '"%s"\n' "$k" >> "$D/plot_s4.dat"
		tbl "$D/s4_errors.tsv" 'v("tool") "/" v("cond") == "'"$k"'" { e = v("abs_err_us"); print (e < 0.01 ? 0.01 : e) }' |
			sort -g | awk '{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) print v[i], i / NR }' >> "$D/plot_s4.dat"
		printf '\n\n' >> "$D/plot_s4.dat"
	done
fi
[ -s "$S5" ] && tbl "$S5" '{ printf "\"%s %s\"\t%s\n", v("prog"), v("case"), v("ns_per_pkt") }' > "$D/plot_s5.dat"
[ -s "$S6" ] && tbl "$S6" '{ printf "\"%s\\n%s\"\t%.2f\t%.2f\n", v("tool"), v("targets"), v("maxrss_kib") / 1024, (v("map_bytes") == "NA" ? 0 : v("map_bytes") / 1048576) }' > "$D/plot_s6.dat"
exit 0
