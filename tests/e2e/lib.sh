# shellcheck shell=bash
# Shared helpers of the icmpmon end-to-end tests. A test script sources this
# file, calls topo_up, runs its checks and ends with pass, fail or skip.
#
# Network safety: every probe is sent from inside the prober namespace this
# file creates. That namespace has no default route: only its veth subnet
# (10.200.0.0/24), 10.201.0.0/16 and 10.202.0.0/16 (both via the responder
# namespace) and its own loopback are reachable, so no packet can leave for any
# other address. Name lookups inside it go to 127.0.0.1 of the namespace only
# (/etc/netns/<ns>/resolv.conf).

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${ICMPMON:=$E2E_DIR/../../build/icmpmon}"
ICMPMON=$(readlink -f "$ICMPMON")

# t_05_sigkill.sh -> sigkill
T_NAME=$(basename "$0" .sh)
T_NAME=${T_NAME#t_}
T_NAME=${T_NAME#[0-9][0-9]_}

NS_P=im-p-$$
NS_R=im-r-$$
VETH_P=imp$$ # interface names: at most 15 characters
VETH_R=imr$$
P_ADDR=10.200.0.1
R_ADDR=10.200.0.2
ANSWERED=10.201.0.7  # inside 10.201.0.0/16: the responder's kernel answers
SILENT=10.202.0.9    # inside 10.202.0.0/16: blackholed by the responder
TC_HANDLE_RE='0x1c3b[0-9a-f]{4}'

TMPD=$(mktemp -d /tmp/icmpmon-e2e.XXXXXX)
BG_PIDS=()
MOUNTS=()
TOPO=0
RESULT=""

diag() { printf '#   %s\n' "$@"; }

# Shows (at most 60 lines of) a file as diagnostics.
diag_file() {
	local f=$1
	[ -s "$f" ] || { diag "($(basename "$f") is empty)"; return 0; }
	diag "--- $(basename "$f"):"
	head -n 60 "$f" | sed 's/^/#   | /'
}

pass() { RESULT=ok; echo "ok - $T_NAME"; exit 0; }
skip() { RESULT=ok; echo "ok - $T_NAME # SKIP $*"; exit 0; }
fail() { RESULT=fail; echo "not ok - $T_NAME: $*"; exit 1; }

proc_state() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null; }

alive() {
	local s
	s=$(proc_state "$1")
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

# bg_wait PID SECONDS: waits at most SECONDS for PID (a child of this shell),
# kills it if it is still running, and sets BG_RC to its exit status.
bg_wait() {
	local pid=$1 secs=$2 i
	for ((i = 0; i < secs * 20; i++)); do
		alive "$pid" || break
		sleep 0.05
	done
	if alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 40; i++)); do alive "$pid" || break; sleep 0.05; done
		alive "$pid" && kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	BG_RC=$?
}

cleanup() {
	local rc=$? pid m i
	trap - EXIT INT TERM
	for pid in "${BG_PIDS[@]}"; do
		alive "$pid" && kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		for ((i = 0; i < 40; i++)); do alive "$pid" || break; sleep 0.05; done
		alive "$pid" && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ "$TOPO" = 1 ]; then
		# Only processes of this test live in its namespaces.
		for pid in $(ip netns pids "$NS_P" 2>/dev/null) $(ip netns pids "$NS_R" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$NS_P" 2>/dev/null
		ip netns del "$NS_R" 2>/dev/null
		rm -rf "/etc/netns/$NS_P" "/etc/netns/$NS_R"
		rmdir /etc/netns 2>/dev/null
	fi
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	rm -rf "$TMPD"
	if [ -z "$RESULT" ]; then
		echo "not ok - $T_NAME: ended without a result (exit status $rc)"
		rc=1
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# The prober and responder namespaces, joined by a veth pair.
topo_up() {
	local ns i
	TOPO=1
	# run.sh checks afterwards that these are gone (and only these: other
	# suites may be running next to this one).
	[ -n "${E2E_NS_FILE:-}" ] && echo "$NS_P $NS_R" >> "$E2E_NS_FILE"
	ip netns add "$NS_P" || fail "cannot create namespace $NS_P"
	ip netns add "$NS_R" || fail "cannot create namespace $NS_R"
	for ns in "$NS_P" "$NS_R"; do
		# (a test ending next to this one may rmdir an empty /etc/netns between
		# mkdir -p's two steps: try again)
		for i in 1 2 3 4 5; do
			mkdir -p "/etc/netns/$ns" 2>/dev/null && break
			sleep 0.1
		done
		echo "nameserver 127.0.0.1" > "/etc/netns/$ns/resolv.conf" ||
			fail "cannot write /etc/netns/$ns/resolv.conf"
	done
	ip link add "$VETH_P" netns "$NS_P" type veth peer name "$VETH_R" netns "$NS_R" ||
		fail "cannot create the veth pair"
	ip -n "$NS_P" addr add "$P_ADDR/24" dev "$VETH_P" &&
	ip -n "$NS_R" addr add "$R_ADDR/24" dev "$VETH_R" &&
	ip -n "$NS_P" link set lo up &&
	ip -n "$NS_R" link set lo up &&
	ip -n "$NS_P" link set "$VETH_P" up &&
	ip -n "$NS_R" link set "$VETH_R" up &&
	ip -n "$NS_R" route add local 10.201.0.0/16 dev lo &&
	ip -n "$NS_R" route add blackhole 10.202.0.0/16 &&
	ip -n "$NS_P" route add 10.201.0.0/16 via "$R_ADDR" dev "$VETH_P" &&
	ip -n "$NS_P" route add 10.202.0.0/16 via "$R_ADDR" dev "$VETH_P" ||
		fail "cannot configure the topology"
	ip netns exec "$NS_R" sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_echo_ignore_all=0 \
		net.ipv4.icmp_echo_ignore_broadcasts=1 >/dev/null || fail "cannot set the responder's ICMP sysctls"
	# Nothing but the namespace's own networks: no default route in the prober.
	if ip -n "$NS_P" route show default | grep -q .; then
		fail "the prober namespace has a default route"
	fi
	# The first packets over a new veth wait for ARP; settle it before measuring.
	timeout 10 ip netns exec "$NS_P" ping -c 1 -W 2 -q "$R_ADDR" >/dev/null ||
		fail "the responder does not answer $R_ADDR"
}

in_p() { ip netns exec "$NS_P" "$@"; }
in_r() { ip netns exec "$NS_R" "$@"; }

# run_p NAME SECONDS CMD...: runs CMD in the prober namespace, stdout to
# $TMPD/NAME.out, stderr to $TMPD/NAME.err, exit status in RC.
run_p() {
	local name=$1 secs=$2
	shift 2
	timeout --foreground -k 3 "$secs" ip netns exec "$NS_P" "$@" >"$TMPD/$name.out" 2>"$TMPD/$name.err"
	RC=$?
}

# icmpmon_p NAME ARGS...: icmpmon in the prober namespace, 30 s at most.
icmpmon_p() {
	local name=$1
	shift
	run_p "$name" "${IM_TIMEOUT:-30}" "$ICMPMON" "$@"
}

# bg_p NAME CMD...: starts CMD in the prober namespace in the background
# (ip netns exec execs CMD, so BG_PID is CMD's own pid).
bg_p() {
	local name=$1
	shift
	ip netns exec "$NS_P" "$@" >"$TMPD/$name.out" 2>"$TMPD/$name.err" &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# wait_match FILE REGEX SECONDS: until a line of FILE matches REGEX.
wait_match() {
	local f=$1 re=$2 secs=$3 i
	for ((i = 0; i < secs * 20; i++)); do
		grep -Eq -- "$re" "$f" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# Everything icmpmon could have left on the prober's interfaces; empty if nothing.
attached_state() {
	local dev
	for dev in "$VETH_P" lo; do
		ip -n "$NS_P" -d link show dev "$dev" 2>/dev/null | grep -E 'prog/xdp|[[:space:]]xdp(generic|drv|offload)?[[:space:]]' |
			sed "s/^/$dev link: /"
		tc -n "$NS_P" filter show dev "$dev" egress | grep -E "$TC_HANDLE_RE|icmpmon" | sed "s/^/$dev tc egress: /"
		tc -n "$NS_P" filter show dev "$dev" ingress | grep -E "$TC_HANDLE_RE|icmpmon" | sed "s/^/$dev tc ingress: /"
	done
	# The test attaches nothing in the prober namespace: any program is icmpmon's.
	ip netns exec "$NS_P" bpftool -j net show 2>/dev/null |
		jq -rc '.[] | ((.xdp // [])[] | "xdp \(.)"), ((.tc // [])[] | "tc \(.)")' 2>/dev/null |
		sed 's/^/bpftool net: /'
}

# A field of the Icmp: line of /proc/net/snmp in a namespace.
snmp_icmp() {
	ip netns exec "$1" cat /proc/net/snmp | awk -v f="$2" '
		$1 == "Icmp:" && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == "Icmp:" && h { print $(col[f]); exit }'
}

# Masks what differs between two runs of ping: the times.
mask_times() {
	sed -E -e 's/time=[0-9.]+ ms/time=T ms/' -e 's/, time [0-9]+ms$/, time Tms/' \
		-e 's#^rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$#rtt min/avg/max/mdev = T ms#' "$1"
}

# check_ping_output FILE TARGET COUNT: the whole output of a ping -c COUNT of a
# single target that answered every probe once. Sets WHY on failure.
check_ping_output() {
	local f=$1 t=$2 n=$3 seqs want lines re_t
	WHY=""
	re_t=${t//./\\.}
	lines=$(wc -l < "$f")
	if [ "$(sed -n 1p "$f")" != "PING $t ($t) 56(84) bytes of data." ]; then
		WHY="first line is not the ping header: '$(sed -n 1p "$f")'"; return 1
	fi
	seqs=$(grep -E "^64 bytes from $re_t: icmp_seq=[0-9]+ ttl=64 time=[0-9.]+ ms$" "$f" |
		sed -E 's/.*icmp_seq=([0-9]+) .*/\1/' | tr '\n' ' ')
	want=$(seq 1 "$n" | tr '\n' ' ')
	if [ "$seqs" != "$want" ]; then
		WHY="reply lines have seqs '$seqs', expected '$want'"; return 1
	fi
	if [ "$lines" -ne $((n + 5)) ]; then
		WHY="$lines lines of output, expected $((n + 5)) (header, $n replies, blank, statistics block of 3)"; return 1
	fi
	if [ "$(sed -n "$((n + 2))p;$((n + 3))p" "$f")" != "$(printf '\n--- %s ping statistics ---' "$t")" ]; then
		WHY="no '--- $t ping statistics ---' block after the replies"; return 1
	fi
	if ! sed -n "$((n + 4))p" "$f" | grep -Eq "^$n packets transmitted, $n received, 0% packet loss, time [0-9]+ms$"; then
		WHY="counts line is '$(sed -n "$((n + 4))p" "$f")'"; return 1
	fi
	check_rtt_line "$f" "$t" || return 1
}

# The rtt line agrees with the reply lines (duplicates included, as in ping).
# A time= has ping's decimals: 3 below 1 ms (whole microseconds), then 2, 1,
# 0; min and max are the smallest and largest time= (exactly, below 1 ms;
# within the rounding of the line otherwise), min <= avg <= max, and avg is the
# mean of the time= values. With a third argument "order-only", the line
# values are only checked for their format and the rtt line for
# min <= avg <= max (for a summary that counts a reply without a line).
check_rtt_line() {
	local f=$1 t=$2 only=${3:-} rtt
	rtt=$(grep -E '^rtt min/avg/max/mdev = ' "$f")
	if ! echo "$rtt" | grep -Eq '^rtt min/avg/max/mdev = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$'; then
		WHY="rtt line is '$rtt'"; return 1
	fi
	WHY=$(grep -E "^64 bytes from ${t//./\\.}: .* time=" "$f" |
		sed -E 's/.* time=([0-9.]+) ms.*/\1/' | awk -v rtt="$rtt" -v only="$only" '
		function decimals(x) { return index(x, ".") ? length(x) - index(x, ".") : 0 }
		function tol(x) { return 0.5 * 10 ^ -decimals(x) + 0.0005 }
		{
			v = $1 + 0
			want = v < 1 ? 3 : v < 10 ? 2 : v < 100 ? 1 : 0
			if (decimals($1) != want && !bad) bad = sprintf("time=%s ms does not have ping'"'"'s %d decimals", $1, want)
			s += v; if (tol($1) > mt) mt = tol($1)
			if (NR == 1 || v < lo) { lo = v; lot = tol($1) }
			if (NR == 1 || v > hi) { hi = v; hit = tol($1) }
		}
		END {
			if (bad) { print bad; exit }
			sub(/^rtt min\/avg\/max\/mdev = /, "", rtt); sub(/ ms$/, "", rtt)
			split(rtt, a, "/"); mn = a[1] + 0; av = a[2] + 0; mx = a[3] + 0
			if (!(mn <= av && av <= mx)) { printf "rtt line %s: not min <= avg <= max", rtt; exit }
			if (NR == 0 || only != "") exit
			if (mn < lo - lot || mn > lo + lot || mx < hi - hit || mx > hi + hit) {
				printf "rtt min/max %s/%s but the reply lines range %s..%s", a[1], a[3], lo, hi; exit
			}
			m = s / NR
			if (av < m - mt - 0.0015 || av > m + mt + 0.0015) { printf "rtt avg %s but the mean of the reply lines is %.4f", a[2], m; exit }
		}')
	[ -z "$WHY" ]
}
