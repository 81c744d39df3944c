# shellcheck shell=bash
# Shared helpers of the icmpmon benchmarks: the network namespaces, load
# generators, counters, bounded process handling and cleanup.
#
# A scenario script sources this file, calls bench_topo_up, runs its
# measurements and writes TSV files into $BENCH_OUT. Everything it starts is
# stopped, and every namespace it created is deleted, by an EXIT trap, also
# when it fails or is interrupted.
#
# Topology (all namespaces created here, names carry the shell's pid):
#
#   prober ns (P)            responder ns (R)                     flooder ns (F)
#   ${DEV_P} 10.200.0.1 <-veth-> ${DEV_RP} --+
#                                        bridge ${DEV_BR} 10.200.0.2
#                                ${DEV_RF} --+ <-veth-> ${DEV_F} 10.200.0.3
#
#   R answers every address of 10.201.0.0/16 and 10.204.0.0/16 with its own
#   kernel (ip route add local ... dev lo). P reaches them via 10.200.0.2.
#   F floods P (10.200.0.1) with ICMP echo requests through the same bridge, so
#   the flood arrives on the very interface where icmpmon's XDP program sits.
#
# Network safety: P has no default route, only its /24 and the two /16 routes
# into R; F and R have no default route either. The only addresses any tool is
# ever pointed at are 10.200.0.0/24, 10.201.0.0/16 and 10.204.0.0/16 inside
# these namespaces, which exist only while the benchmark runs. Name lookups
# inside them go to the namespace's own 127.0.0.1 (/etc/netns/<ns>/resolv.conf).

set -u

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tests/lib/netns.sh
. "$BENCH_DIR/../tests/lib/netns.sh"
: "${ICMPMON:=$BENCH_DIR/../build/icmpmon}"
ICMPMON=$(readlink -f "$ICMPMON")
: "${BENCH_OUT:=$BENCH_DIR/results/data}"
: "${BENCH_RAW:=$BENCH_DIR/results/raw}"
mkdir -p "$BENCH_OUT" "$BENCH_RAW"
TIME_BIN=/usr/bin/time

NS_P=imb-p-$$
NS_R=imb-r-$$
NS_F=imb-f-$$
DEV_P=bp$$   # interface names: at most 15 characters
DEV_RP=brp$$
DEV_RF=brf$$
DEV_BR=bbr$$
DEV_F=bf$$
P_ADDR=10.200.0.1
R_ADDR=10.200.0.2
F_ADDR=10.200.0.3
# Target blocks answered by the responder.
BLOCK_A=10.201
BLOCK_B=10.204

TMPD=$(mktemp -d /tmp/icmpmon-bench.XXXXXX)
BG_PIDS=()
TOPO=0

log() { printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "$(basename "$0" .sh)" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

bench_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_pids "${BG_PIDS[@]}"
	# Only processes this script started live in its namespaces.
	[ "$TOPO" = 1 ] && ns_delete "$NS_P" "$NS_R" "$NS_F"
	rm -rf "$TMPD"
	exit "$rc"
}
trap bench_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

in_f() { ip netns exec "$NS_F" "$@"; }

bench_topo_up() {
	local ns
	[ "$(id -u)" -eq 0 ] || die "the benchmarks need root"
	[ -x "$ICMPMON" ] || die "ICMPMON=$ICMPMON is not executable (run make first)"
	TOPO=1
	for ns in "$NS_P" "$NS_R" "$NS_F"; do
		ns_create "$ns" || die "cannot create namespace $ns"
	done
	ip link add "$DEV_P" netns "$NS_P" type veth peer name "$DEV_RP" netns "$NS_R" &&
	ip link add "$DEV_F" netns "$NS_F" type veth peer name "$DEV_RF" netns "$NS_R" &&
	ip -n "$NS_R" link add name "$DEV_BR" type bridge forward_delay 0 stp_state 0 &&
	ip -n "$NS_R" link set "$DEV_RP" master "$DEV_BR" &&
	ip -n "$NS_R" link set "$DEV_RF" master "$DEV_BR" &&
	ip -n "$NS_P" addr add "$P_ADDR/24" dev "$DEV_P" &&
	ip -n "$NS_R" addr add "$R_ADDR/24" dev "$DEV_BR" &&
	ip -n "$NS_F" addr add "$F_ADDR/24" dev "$DEV_F" &&
	ip -n "$NS_P" link set "$DEV_P" up &&
	ip -n "$NS_R" link set "$DEV_RP" up &&
	ip -n "$NS_R" link set "$DEV_RF" up &&
	ip -n "$NS_R" link set "$DEV_BR" up &&
	ip -n "$NS_F" link set "$DEV_F" up &&
	ip -n "$NS_R" route add local "$BLOCK_A.0.0/16" dev lo &&
	ip -n "$NS_R" route add local "$BLOCK_B.0.0/16" dev lo &&
	ip -n "$NS_P" route add "$BLOCK_A.0.0/16" via "$R_ADDR" dev "$DEV_P" &&
	ip -n "$NS_P" route add "$BLOCK_B.0.0/16" via "$R_ADDR" dev "$DEV_P" ||
		die "cannot configure the topology"
	# The responder answers everything, at any rate.
	in_r sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_echo_ignore_all=0 \
		net.ipv4.icmp_echo_ignore_broadcasts=1 >/dev/null || die "responder sysctls"
	# ICMP datagram sockets for every group (icmpmon-dgram), as most distributions set it.
	in_p sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv4.ping_group_range="0 2147483647" >/dev/null ||
		die "prober sysctls"
	# Nothing but the namespaces' own networks.
	no_default_route "$NS_P" "$NS_R" "$NS_F" || die "$NETNS_WHY"
	# Settle ARP and the bridge's forwarding table before measuring.
	timeout 10 ip netns exec "$NS_P" ping -c 2 -i 0.2 -W 2 -q "$R_ADDR" >/dev/null ||
		die "the responder does not answer $R_ADDR"
	timeout 10 ip netns exec "$NS_F" ping -c 2 -i 0.2 -W 2 -q "$P_ADDR" >/dev/null ||
		die "the prober does not answer the flooder"
	timeout 10 ip netns exec "$NS_P" ping -c 1 -W 2 -q "$BLOCK_A.0.1" >/dev/null ||
		die "the responder does not answer $BLOCK_A.0.1"
	# A process that lives in the prober namespace for the whole run: its
	# /proc/PID/net/snmp is the namespace's, readable without forking.
	ip netns exec "$NS_P" sleep 3600 &
	ANCHOR=$!
	BG_PIDS+=("$ANCHOR")
	sleep 0.1
	exec {NAP_FD}<> <(:)
}

# Target addresses: targets_file FILE N writes N addresses of 10.201/16
# (then 10.204/16), one per line. Both blocks are answered by the responder.
targets_file() {
	local f=$1 n=$2
	awk -v n="$n" -v a="$BLOCK_A" -v b="$BLOCK_B" 'BEGIN {
		k = 0
		for (i = 1; i <= 65534 && k < n; i++) { printf "%s.%d.%d\n", a, int(i / 256), i % 256; k++ }
		for (i = 1; i <= 65534 && k < n; i++) { printf "%s.%d.%d\n", b, int(i / 256), i % 256; k++ }
	}' > "$f"
}

# ---- counters ---------------------------------------------------------------

# Echo replies from the target blocks that arrived on the prober's veth,
# counted by a packet tap: tcpdump with a kernel (cBPF) filter that only
# accepts those replies, writing them to a file; the count is the packets it
# captured, with the kernel's drop count beside it. (libpcap's "packets
# received by filter" is not used: with XDP on the veth and the flood running
# it came out 0.2-0.3 % above the packets actually captured, with no drop and
# no duplicate in the capture.) The tap sees a packet after XDP; the
# benchmarks never use --consume, so XDP passes every reply on.
REPLY_FILTER='icmp[icmptype] == icmp-echoreply and (src net 10.201.0.0/16 or src net 10.204.0.0/16)'
# Requests and replies of the target blocks, for per-probe timestamps.
PROBE_FILTER='icmp and (icmp[icmptype] == icmp-echo or icmp[icmptype] == icmp-echoreply) and (net 10.201.0.0/16 or net 10.204.0.0/16)'
TAP_PID=""
FAR_TAP_PID=""

# tap_launch NS DEV LOG TCPDUMP-ARGS...: tcpdump on DEV in NS, its messages in
# LOG; returns once it listens. TAP_LAUNCHED = its pid.
tap_launch() {
	local ns=$1 dev=$2 logf=$3 i
	shift 3
	ip netns exec "$ns" tcpdump -i "$dev" -n -B 16384 "$@" >"$logf" 2>&1 &
	TAP_LAUNCHED=$!
	BG_PIDS+=("$TAP_LAUNCHED")
	for ((i = 0; i < 100; i++)); do
		grep -q 'listening on' "$logf" 2>/dev/null && return 0
		sleep 0.05
	done
	die "tcpdump did not start: $(head -c 300 "$logf")"
}

# tap_end PID: stops a tap once it has written what it holds; the exit trap
# forgets it (its pid may be reused).
tap_end() {
	local pid=$1 i p kept=()
	kill -INT "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.05; done
	stop_pid "$pid"
	for p in "${BG_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
	BG_PIDS=("${kept[@]}")
}

# tap_start NAME [PCAP]: starts the tap counting replies; with PCAP, it
# writes the requests and the replies with nanosecond timestamps there instead
# (TAP_COUNT then counts both).
tap_start() {
	local name=$1 pcap=${2:-}
	if [ -n "$pcap" ]; then
		tap_launch "$NS_P" "$DEV_P" "$TMPD/$name.tap" -s 128 --time-stamp-precision=nano -w "$pcap" "$PROBE_FILTER"
	else
		tap_launch "$NS_P" "$DEV_P" "$TMPD/$name.tap" -s 64 -w "$TMPD/$name.replies.pcap" "$REPLY_FILTER"
	fi
	TAP_PID=$TAP_LAUNCHED
}

# tap_stop NAME: stops the tap; TAP_COUNT = packets captured, TAP_DROPPED =
# packets the kernel dropped before the tap could read them.
tap_stop() {
	local name=$1
	# libpcap hands packets over in blocks that are retired after up to 1 s.
	sleep 1.2
	tap_end "$TAP_PID"
	TAP_PID=""
	TAP_COUNT=$(awk '/packets? captured/ { print $1; exit }' "$TMPD/$name.tap")
	rm -f "$TMPD/$name.replies.pcap"
	TAP_DROPPED=$(awk '/packets? dropped by kernel/ { print $1; exit }' "$TMPD/$name.tap")
	: "${TAP_COUNT:=NA}" "${TAP_DROPPED:=NA}"
}

# far_tap_start NAME PCAP: a second tap, at the far end of the prober's veth
# (the responder's side), writing requests and replies to PCAP. A request is
# stamped there as it comes off the veth: veth's transmit hands it to the
# peer's netif_rx, which stamps it before queueing (netdev_tstamp_prequeue,
# on by default), still inside the prober's transmit and before the far tap
# handles its copy. The prober-side tap stamps its copy of the request before
# it files it, and that filing lies between its stamp and the driver; like
# icmpmon's transmit stamp, the far stamp comes after it.
far_tap_start() {
	tap_launch "$NS_R" "$DEV_RP" "$TMPD/$1.fartap" -s 128 --time-stamp-precision=nano -w "$2" "$PROBE_FILTER"
	FAR_TAP_PID=$TAP_LAUNCHED
}

# far_tap_stop: stops it (after tap_stop, which waited for the blocks).
far_tap_stop() {
	tap_end "$FAR_TAP_PID"
	FAR_TAP_PID=""
}

# snmp_var FIELD VAR: VAR = the Icmp: FIELD of the prober namespace, read
# through the anchor process without forking (for tight sampling loops).
snmp_var() {
	local -n _out=$2
	local line hdr=() val=() i
	while IFS= read -r line; do
		case $line in
		"Icmp: "*)
			if [ ${#hdr[@]} -eq 0 ]; then read -ra hdr <<<"$line"; else read -ra val <<<"$line"; break; fi ;;
		esac
	done < "/proc/$ANCHOR/net/snmp"
	_out=""
	for i in "${!hdr[@]}"; do
		[ "${hdr[$i]}" = "$1" ] && { _out=${val[$i]}; return 0; }
	done
}

# nap SECONDS: sleeps without forking.
nap() { read -r -t "$1" -u "$NAP_FD" _ 2>/dev/null; return 0; }

# Packets the prober's veth received (everything: replies, flood, ARP).
rx_packets() {
	in_p cat "/sys/class/net/$DEV_P/statistics/rx_packets"
}

# counters_snap VAR: VAR=(InEchoReps OutEchos rx_packets InEchos)
counters_snap() {
	local -n _v=$1
	_v=("$(snmp_icmp "$NS_P" InEchoReps)" "$(snmp_icmp "$NS_P" OutEchos)" "$(rx_packets)" "$(snmp_icmp "$NS_P" InEchos)")
}

# ---- load -------------------------------------------------------------------

: "${FLOOD_INSTANCES:=2}"
: "${FLOOD_ARGS:=--flood}"  # e.g. FLOOD_ARGS="-i u10" for a bounded rate
: "${FLOOD_NICE:=-5}"       # the flood keeps its rate next to stress-ng
FLOOD_PIDS=()

# flood_start SECONDS: FLOOD_INSTANCES hping3 processes in the flooder
# namespace send ICMP echo requests to the prober (10.200.0.1 only), each
# bounded by timeout(1).
flood_start() {
	local secs=$1 i
	FLOOD_PIDS=()
	for ((i = 0; i < FLOOD_INSTANCES; i++)); do
		# shellcheck disable=SC2086
		timeout -k 2 "$secs" nice -n "$FLOOD_NICE" ip netns exec "$NS_F" hping3 --icmp $FLOOD_ARGS -q "$P_ADDR" \
			>"$TMPD/flood$i.out" 2>&1 &
		FLOOD_PIDS+=("$!")
		BG_PIDS+=("$!")
	done
	sleep 0.3
}

flood_stop() {
	local pid
	for pid in "${FLOOD_PIDS[@]}"; do stop_pid "$pid"; done
	# timeout(1) signals only its child; make sure no hping3 is left in F.
	for pid in $(ip netns pids "$NS_F" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
	FLOOD_PIDS=()
}

STRESS_PID=""
# stress_start SECONDS: stress-ng loads every CPU (--cpu 0), bounded.
stress_start() {
	local secs=$1
	timeout -k 2 "$((secs + 2))" stress-ng --cpu 0 --timeout "${secs}s" --quiet >"$TMPD/stress.out" 2>&1 &
	STRESS_PID=$!
	BG_PIDS+=("$STRESS_PID")
	sleep 0.3
}

stress_stop() {
	stop_pid "$STRESS_PID"
	STRESS_PID=""
}

# Packets/s the flooder namespace sent over the last measurement:
# flood_rate_snap before, flood_rate_report SECONDS after.
flood_tx() { in_f cat "/sys/class/net/$DEV_F/statistics/tx_packets"; }

# ---- running tools ----------------------------------------------------------

# timed NAME SECONDS CMD...: runs CMD in the prober namespace under
# /usr/bin/time, bounded by timeout(1). stdout -> $TMPD/NAME.out, stderr ->
# $TMPD/NAME.err, time's line ("user sys maxrss_kib wall") -> $TMPD/NAME.time.
# Sets RC.
# tap_probes PCAP: every answered echo request the tap saw, in order:
# "target<TAB>id<TAB>seq<TAB>ordinal<TAB>request_s<TAB>reply_s<TAB>rtt_us"
# (times: epoch seconds with nanoseconds as tcpdump prints them; ordinal: the
# request's position among those to its target).
# awk: microseconds from one tcpdump time (seconds.nanoseconds) to another,
# the integer and fraction parts subtracted apart (a double cannot hold both).
AWK_SPAN_US='function span_us(from, to, a, b) { split(from, a, "."); split(to, b, "."); return ((b[1] - a[1]) * 1e9 + (b[2] - a[2])) / 1000 }'

tap_probes() {
	tcpdump -r "$1" -n -tt --time-stamp-precision=nano 2>/dev/null | awk "$AWK_SPAN_US"'
		/ICMP echo request/ {
			dst = $5; sub(/:$/, "", dst)
			id = $10; sub(/,$/, "", id); seq = $12; sub(/,$/, "", seq)
			k = dst SUBSEP id SUBSEP seq
			if (!(k in req)) { req[k] = $1; o = ++ord[dst]; kord[k] = o; keys[++n] = k }
			next
		}
		/ICMP echo reply/ {
			src = $3
			id = $10; sub(/,$/, "", id); seq = $12; sub(/,$/, "", seq)
			k = src SUBSEP id SUBSEP seq
			if ((k in req) && !(k in rep)) rep[k] = $1
		}
		END {
			for (i = 1; i <= n; i++) {
				k = keys[i]
				if (!(k in rep)) continue
				split(k, a, SUBSEP)
				printf "%s\t%s\t%s\t%d\t%s\t%s\t%.3f\n", a[1], a[2], a[3], kord[k], req[k], rep[k], span_us(req[k], rep[k])
			}
		}'
}

timed() {
	local name=$1 secs=$2
	shift 2
	timeout -k 3 "$secs" ip netns exec "$NS_P" "$TIME_BIN" -o "$TMPD/$name.time" -f '%U %S %M %e' \
		"$@" >"$TMPD/$name.out" 2>"$TMPD/$name.err"
	RC=$?
	# time(1) writes "Command exited with non-zero status N" first on failure.
	[ -s "$TMPD/$name.time" ] && tail -n 1 "$TMPD/$name.time" > "$TMPD/$name.time.tmp" &&
		mv "$TMPD/$name.time.tmp" "$TMPD/$name.time"
	return 0
}

# timed_bg NAME SECONDS CMD...: as timed, in the background; TIMED_PID is
# the timeout(1) process (wait for it, then call timed_done NAME).
timed_bg() {
	local name=$1 secs=$2
	shift 2
	timeout -k 3 "$secs" ip netns exec "$NS_P" "$TIME_BIN" -o "$TMPD/$name.time" -f '%U %S %M %e' \
		"$@" >"$TMPD/$name.out" 2>"$TMPD/$name.err" &
	TIMED_PID=$!
	BG_PIDS+=("$TIMED_PID")
}

timed_done() {
	wait "$TIMED_PID"
	RC=$?
	[ -s "$TMPD/$1.time" ] && tail -n 1 "$TMPD/$1.time" > "$TMPD/$1.time.tmp" &&
		mv "$TMPD/$1.time.tmp" "$TMPD/$1.time"
	return 0
}

# The measured tool under timed_bg: timeout -> (ip netns exec =) time -> tool.
tool_pid() {
	local p=$TIMED_PID c
	for _ in 1 2; do
		c=$(cat "/proc/$p/task/$p/children" 2>/dev/null | awk '{print $1}')
		[ -n "$c" ] || return 1
		p=$c
	done
	echo "$p"
}

# cpu_s PID: user+sys seconds the process has used so far.
cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null
}

# setup_cpu: while TIMED_PID runs, waits for the prober namespace's first
# echo request (IcmpOutEchos grows) and sets SETUP_CPU to the tool's user+sys
# seconds at that moment (its set-up: BPF load and verification, map
# creation, target parsing), FIRST_TX_NS to the time (EPOCHREALTIME, ns).
setup_cpu() {
	local base now pid="" i
	SETUP_CPU=NA
	FIRST_TX_NS=""
	snmp_var OutEchos base
	for ((i = 0; i < 6000; i++)); do
		alive "$TIMED_PID" || return 0
		[ -n "$pid" ] || pid=$(tool_pid)
		snmp_var OutEchos now
		if [ "$now" != "$base" ]; then
			[ -n "$pid" ] && SETUP_CPU=$(cpu_s "$pid")
			FIRST_TX_NS=$(( ${EPOCHREALTIME/./} * 1000 ))
			return 0
		fi
		nap 0.005
	done
}

# time_field NAME K: field K of NAME's time line (1 user, 2 sys, 3 maxrss KiB, 4 wall).
time_field() {
	awk -v k="$2" '{ print $k; exit }' "$TMPD/$1.time" 2>/dev/null
}

# Sums of ping-style summaries: "N packets transmitted, M received" -> "N M".
ping_summary_sums() {
	awk '/packets transmitted/ { t += $1; for (i = 1; i <= NF; i++) if ($i ~ /^received,?$/) r += $(i - 1) }
		END { printf "%d %d\n", t, r }' "$@"
}

# fping -C/-c -q summaries on stderr: "addr : xmt/rcv/%loss = 5/5/0%, ..." -> "sent received".
fping_summary_sums() {
	awk '/xmt\/rcv\/%loss/ { split($5, a, "/"); t += a[1]; r += a[2] }
		END { printf "%d %d\n", t, r }' "$@"
}

# keep NAME: copies $TMPD/NAME.* into the raw results (for inspection).
keep() {
	local f
	for f in "$TMPD/$1".*; do
		[ -e "$f" ] && cp "$f" "$BENCH_RAW/$(basename "$0" .sh)-$(basename "$f")"
	done
	return 0
}

# tsv FILE FIELDS...: appends one tab-separated row.
tsv() {
	local f=$1
	shift
	(IFS=$'\t'; echo "$*") >> "$f"
}

# ms_since T0: milliseconds since a date +%s%N value.
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# Whether this icmpmon prints NDJSON with per-reply rtt (someone may be adding
# it as we run): sets HAVE_JSON=1 when a reply object with seq and rtt_ms comes out.
detect_json() {
	HAVE_JSON=0
	if timeout 10 ip netns exec "$NS_P" "$ICMPMON" --json -c 1 -W 1 "$BLOCK_A.0.1" 2>/dev/null |
		grep -q '"seq".*"rtt_ms"\|"rtt_ms".*"seq"'; then
		HAVE_JSON=1
	fi
}

# ---- the tools, one job each ------------------------------------------------

# fmt_num X: a number for a command line (no exponent, no trailing zeros).
fmt_num() { awk -v x="$1" 'BEGIN { s = sprintf("%.6f", x); sub(/0+$/, "", s); sub(/\.$/, "", s); print s }'; }

# tool_cmd TOOL TARGETFILE COUNT PERIOD_S WAIT_S [extra icmpmon args...]: sets
# CMD to the command that probes every target of TARGETFILE COUNT times, each
# target every PERIOD_S seconds, the probes spread evenly over the period, and
# waits WAIT_S seconds for a reply.
#   icmpmon          kernel mode (the default), -q: per-target summaries only
#   icmpmon-socket   the same with --mode socket
#   icmpmon-dgram    the same with --mode dgram: what an ordinary user gets
#   fping            -C COUNT -q: per-probe RTTs; -p the period, -i period/N/2
#   ping             one iputils ping per target (bench/ping_many.sh)
tool_cmd() {
	local tool=$1 f=$2 c=$3 p=$4 w=$5 n pms ims tms
	shift 5
	n=$(grep -c . "$f")
	case $tool in
	icmpmon) CMD=("$ICMPMON" -q -n -c "$c" -i "$p" -W "$w" "$@" --file "$f") ;;
	icmpmon-socket) CMD=("$ICMPMON" -q -n -c "$c" -i "$p" -W "$w" --mode socket "$@" --file "$f") ;;
	icmpmon-dgram) CMD=("$ICMPMON" -q -n -c "$c" -i "$p" -W "$w" --mode dgram "$@" --file "$f") ;;
	fping)
		pms=$(fmt_num "$(awk -v p="$p" 'BEGIN { print p * 1000 }')")
		# fping sleeps relative to its last send, so asking for the even spacing
		# p/N falls behind by its wake-up latency each time; with half of it,
		# -p (an absolute per-target schedule) sets the rate.
		ims=$(fmt_num "$(awk -v p="$p" -v n="$n" 'BEGIN { print p * 1000 / n / 2 }')")
		# fping warns when -t exceeds -p in counting mode.
		tms=$(awk -v p="$p" -v w="$w" 'BEGIN { t = (w < p ? w : p) * 1000; printf "%d", t < 1 ? 1 : t }')
		CMD=(fping -q -C "$c" -p "$pms" -i "$ims" -t "$tms" -f "$f") ;;
	ping) CMD=(bash "$BENCH_DIR/ping_many.sh" "$f" "$c" "$p" "$w") ;;
	*) die "unknown tool $tool" ;;
	esac
}

# tool_counts TOOL NAME: TOOL_SENT and TOOL_RECV from the output of run NAME
# (NA when the tool printed no result), TOOL_NOTE a short remark.
tool_counts() {
	local tool=$1 name=$2 sums
	TOOL_NOTE=""
	case $tool in
	icmpmon | icmpmon-socket | icmpmon-dgram | ping)
		sums=$(ping_summary_sums "$TMPD/$name.out")
		if grep -q 'packets transmitted' "$TMPD/$name.out"; then
			TOOL_SENT=${sums% *}
			TOOL_RECV=${sums#* }
		else
			TOOL_SENT=NA
			TOOL_RECV=NA
		fi
		if grep -qE 'not shown|not tracked|dropped by the kernel' "$TMPD/$name.out" "$TMPD/$name.err"; then
			TOOL_NOTE=$(grep -hE 'not shown|not tracked|dropped by the kernel' "$TMPD/$name.out" "$TMPD/$name.err" | head -n 1 | cut -c1-120)
		fi ;;
	fping)
		sums=$(fping_C_sums "$TMPD/$name.err")
		TOOL_SENT=${sums% *}
		TOOL_RECV=${sums#* }
		if [ "$TOOL_SENT" = 0 ]; then
			TOOL_SENT=NA
			TOOL_RECV=NA
		fi ;;
	esac
	if [ "$RC" -ge 2 ] || { [ "$tool" = fping ] && [ "$RC" -ge 3 ]; }; then
		TOOL_NOTE="exit $RC: $(grep -v '^ *$' "$TMPD/$name.err" | grep -v ' : ' | head -n 1 | cut -c1-160)"
	fi
	[ "$RC" = 124 ] && TOOL_NOTE="timed out (killed by the benchmark's bound)"
	return 0
}

# fping -C -q on stderr: "addr : 0.05 - 0.04 ..." -> "probes replies".
fping_C_sums() {
	awk -F' : ' 'NF == 2 && $1 ~ /^[0-9.]+ *$/ { n = split($2, v, " "); t += n; for (i = 1; i <= n; i++) if (v[i] != "-") r++ }
		END { printf "%d %d\n", t, r }' "$1"
}
