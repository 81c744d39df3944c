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
# shellcheck source=../lib/netns.sh
. "$E2E_DIR/../lib/netns.sh"
# the forgers' and responders' packet builders (tests/lib/pktforge.py)
export PYTHONPATH="$(cd "$E2E_DIR/../lib" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
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

# Result lines, read by run.sh: "ok - NAME", "not ok - NAME: why", and for
# what could not run "ok - NAME # SKIP why" (the whole test) or
# "ok - NAME/PART # SKIP why" (a part; the test goes on and ends with its own
# line). run.sh counts each skip as a skip, never as a pass.
pass() { RESULT=ok; echo "ok - $T_NAME"; exit 0; }
fail() { RESULT=fail; echo "not ok - $T_NAME: $*"; exit 1; }

# skip REASON: this machine cannot run the test for a reason `make deps`
# cannot fix (kernel configuration, an ASan build). What make deps installs
# is a requirement: need.
skip() { RESULT=skip; echo "ok - $T_NAME # SKIP $*"; exit 0; }

# skip_part PART REASON: as skip, for one part of the test only.
skip_part() {
	local part=$1
	shift
	echo "ok - $T_NAME/$part # SKIP $*"
}

# need PACKAGE [COMMAND]: COMMAND (default PACKAGE) is installed by make deps
# (Makefile DEB_PKGS); without it the test fails.
need() {
	command -v "${2:-$1}" >/dev/null || fail "${2:-$1} is missing: a requirement (make deps installs $1)"
}

cleanup() {
	local rc=$? m
	trap - EXIT INT TERM
	stop_pids "${BG_PIDS[@]}"
	# Only processes of this test live in its namespaces.
	[ "$TOPO" = 1 ] && ns_delete "$NS_P" "$NS_R"
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
	local ns
	TOPO=1
	# run.sh checks afterwards that these are gone (and only these: other
	# suites may be running next to this one).
	[ -n "${E2E_NS_FILE:-}" ] && echo "$NS_P $NS_R" >> "$E2E_NS_FILE"
	for ns in "$NS_P" "$NS_R"; do
		ns_create "$ns" || fail "cannot create namespace $ns"
	done
	ip link add "$VETH_P" netns "$NS_P" type veth peer name "$VETH_R" netns "$NS_R" ||
		fail "cannot create the veth pair"
	ip -n "$NS_P" addr add "$P_ADDR/24" dev "$VETH_P" &&
	ip -n "$NS_R" addr add "$R_ADDR/24" dev "$VETH_R" &&
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
	no_default_route "$NS_P" || fail "$NETNS_WHY"
	# The first packets over a new veth wait for ARP; settle it before measuring.
	timeout 10 ip netns exec "$NS_P" ping -c 1 -W 2 -q "$R_ADDR" >/dev/null ||
		fail "the responder does not answer $R_ADDR"
}

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
	seqs=$(grep -E "^64 bytes from $re_t: icmp_seq=[0-9]+( ident=[0-9]+)? ttl=64 time=[0-9.]+ ms$" "$f" |
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
# within the rounding of the line otherwise), min <= avg <= max, avg is the
# mean of the time= values and mdev their standard deviation (ping's
# sqrt(mean(t^2) - mean(t)^2)), within the rounding of the printed times
# (which moves a standard deviation by at most the largest rounding error)
# and of the line. With a third argument "order-only", the line
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
			s += v; s2 += v * v; if (tol($1) > mt) mt = tol($1)
			if (NR == 1 || v < lo) { lo = v; lot = tol($1) }
			if (NR == 1 || v > hi) { hi = v; hit = tol($1) }
		}
		END {
			if (bad) { print bad; exit }
			sub(/^rtt min\/avg\/max\/mdev = /, "", rtt); sub(/ ms$/, "", rtt)
			split(rtt, a, "/"); mn = a[1] + 0; av = a[2] + 0; mx = a[3] + 0; md = a[4] + 0
			if (!(mn <= av && av <= mx)) { printf "rtt line %s: not min <= avg <= max", rtt; exit }
			if (NR == 0 || only != "") exit
			if (mn < lo - lot || mn > lo + lot || mx < hi - hit || mx > hi + hit) {
				printf "rtt min/max %s/%s but the reply lines range %s..%s", a[1], a[3], lo, hi; exit
			}
			m = s / NR
			if (av < m - mt - 0.0015 || av > m + mt + 0.0015) { printf "rtt avg %s but the mean of the reply lines is %.4f", a[2], m; exit }
			var = s2 / NR - m * m
			sd = var > 0 ? sqrt(var) : 0
			if (md < sd - mt - 0.0025 || md > sd + mt + 0.0025) { printf "rtt mdev %s but the reply lines have %.4f", a[4], sd; exit }
		}')
	[ -z "$WHY" ]
}

# ---------------------------------------------------------------------------
# Protocol coverage (t_2x): IPv6 on the veth pair, more namespaces and veth
# pairs, per-target output blocks, small BPF programs built from C.

P6_ADDR=fd00:200::1
R6_ADDR=fd00:200::2
ANSWERED6=fd00:201::7  # inside fd00:201::/64: the responder's kernel answers
SILENT6=fd00:202::9    # inside fd00:202::/64: blackholed by the responder

# IPv6 on the prober-responder veth pair (after topo_up), usable at once
# (nodad); like IPv4, the prober only routes to the responder's networks.
topo6_up() {
	ip -n "$NS_P" addr add "$P6_ADDR/64" dev "$VETH_P" nodad &&
	ip -n "$NS_R" addr add "$R6_ADDR/64" dev "$VETH_R" nodad &&
	ip -n "$NS_R" -6 route add local fd00:201::/64 dev lo &&
	ip -n "$NS_R" -6 route add blackhole fd00:202::/64 &&
	ip -n "$NS_P" -6 route add fd00:201::/64 via "$R6_ADDR" dev "$VETH_P" &&
	ip -n "$NS_P" -6 route add fd00:202::/64 via "$R6_ADDR" dev "$VETH_P" ||
		fail "cannot configure IPv6 on the veth pair"
	ip netns exec "$NS_R" sysctl -q -w net.ipv6.icmp.ratelimit=0 net.ipv6.icmp.echo_ignore_all=0 >/dev/null ||
		fail "cannot set the responder's ICMPv6 sysctls"
	no_default_route "$NS_P" || fail "$NETNS_WHY"
	timeout 10 ip netns exec "$NS_P" ping -6 -n -c 1 -W 2 -q "$R6_ADDR" >/dev/null ||
		fail "the responder does not answer $R6_ADDR"
}

EXTRA_NS=()

# Deletes the namespaces ns_add made, then runs lib.sh's cleanup.
cleanup_extra() {
	local rc=$?
	ns_delete "${EXTRA_NS[@]}"
	(exit "$rc")
	cleanup
}

# ns_add NAME: one more namespace (loopback up), registered with run.sh and
# deleted at exit like the prober's and the responder's.
ns_add() {
	local ns=$1
	[ "${#EXTRA_NS[@]}" -eq 0 ] && trap cleanup_extra EXIT
	EXTRA_NS+=("$ns")
	[ -n "${E2E_NS_FILE:-}" ] && echo "$ns" >> "$E2E_NS_FILE"
	ns_create "$ns" || fail "cannot create namespace $ns"
}

# veth_pair NS1 DEV1 NS2 DEV2: a veth pair between two namespaces, both ends up.
veth_pair() {
	veth_link "$@" || fail "cannot create the veth pair $2/$4"
}

# attached_on NS DEV: what icmpmon could have left on DEV; empty if nothing.
attached_on() {
	local ns=$1 dev=$2
	ip -n "$ns" -d link show dev "$dev" 2>/dev/null | grep -E 'prog/xdp|[[:space:]]xdp(generic|drv|offload)?[[:space:]]' |
		sed "s/^/$dev link: /"
	tc -n "$ns" filter show dev "$dev" egress 2>/dev/null | grep -E "$TC_HANDLE_RE|icmpmon" | sed "s/^/$dev tc egress: /"
	tc -n "$ns" filter show dev "$dev" ingress 2>/dev/null | grep -E "$TC_HANDLE_RE|icmpmon" | sed "s/^/$dev tc ingress: /"
}

# Every BPF program attached in namespace NS, one "xdp DEV ID" or
# "tc DEV KIND ID" line each (bpftool net show).
bpf_net_list() {
	ip netns exec "$1" bpftool -j net show 2>/dev/null |
		jq -r '.[] | ((.xdp // [])[] | "xdp \(.devname) \(.id)"), ((.tc // [])[] | "tc \(.devname) \(.kind) \(.id)")' |
		sort
}

# A regular expression matching the string $1 literally.
re_quote() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|/]/\\&/g'; }

# ping's header line for a numeric TARGET and the default 56 bytes.
ping_header() {
	case $1 in
	*:*) echo "PING $1($1) 56 data bytes" ;;
	*) echo "PING $1 ($1) 56(84) bytes of data." ;;
	esac
}

# check_target_block FILE TARGET COUNT [TTL]: in the output of a run of one or
# more targets, TARGET has one header, reply lines with seqs 1..COUNT (ttl TTL,
# default 64), one statistics block counting COUNT of COUNT, and an rtt line
# that agrees with its reply lines. Sets WHY on failure.
check_target_block() {
	local f=$1 t=$2 n=$3 ttl=${4:-64} re seqs want counts
	WHY=""
	re=$(re_quote "$t")
	if [ "$(grep -cFx -- "$(ping_header "$t")" "$f")" -ne 1 ]; then
		WHY="$t: not one header '$(ping_header "$t")'"; return 1
	fi
	seqs=$(grep -E "^64 bytes from $re: icmp_seq=[0-9]+( ident=[0-9]+)? ttl=$ttl time=[0-9.]+ ms$" "$f" |
		sed -E 's/.*icmp_seq=([0-9]+) .*/\1/' | sort -n | tr '\n' ' ')
	want=$(seq 1 "$n" | tr '\n' ' ')
	if [ "$seqs" != "$want" ]; then
		WHY="$t: reply lines (ttl=$ttl) have seqs '$seqs', expected '$want'"; return 1
	fi
	if [ "$(grep -cE "^64 bytes from $re: " "$f")" -ne "$n" ]; then
		WHY="$t: $(grep -cE "^64 bytes from $re: " "$f") reply lines, expected $n"; return 1
	fi
	if [ "$(grep -cFx -- "--- $t ping statistics ---" "$f")" -ne 1 ]; then
		WHY="$t: not one '--- $t ping statistics ---' block"; return 1
	fi
	counts=$(grep -A1 -Fx -- "--- $t ping statistics ---" "$f" | sed -n 2p)
	if ! echo "$counts" | grep -Eq "^$n packets transmitted, $n received, 0% packet loss, time [0-9]+ms$"; then
		WHY="$t: counts line is '$counts'"; return 1
	fi
	grep -A2 -Fx -- "--- $t ping statistics ---" "$f" > "$f.block"
	grep -E "^64 bytes from $re: " "$f" >> "$f.block"
	check_rtt_line "$f.block" "$t" || { WHY="$t: $WHY"; return 1; }
}

# f32_loss_awk: awk functions for ping's loss percentage: it narrows
# lost * 100.0 / transmitted to a float (24-bit mantissa) before %g.
F32_LOSS_AWK='
	function f32(x,  e, u) {
		if (x <= 0) return 0
		e = 0
		while (2 ^ (e + 1) <= x) e++
		while (2 ^ e > x) e--
		u = 2 ^ (e - 23)
		return int(x / u + 0.5) * u
	}
	function loss(t, r) { return t ? sprintf("%g", f32((t - r) * 100.0 / t)) : "0" }'

# check_counts_values FILE TARGET TRANSMITTED: TARGET's counts line is
# "TRANSMITTED packets transmitted, R received, [+D duplicates, ]L% packet loss"
# where R is the number of its first-reply lines, D the number of its
# (DUP!) lines, and L ping's loss for TRANSMITTED and R. Sets WHY on failure.
check_counts_values() {
	local f=$1 t=$2 n=$3 re counts r d want
	WHY=""
	re=$(re_quote "$t")
	counts=$(grep -A1 -Fx -- "--- $t ping statistics ---" "$f" | sed -n 2p)
	r=$(grep -E "^[0-9]+ bytes from $re: icmp_seq=" "$f" | grep -vc ' (DUP!)$')
	d=$(grep -E "^[0-9]+ bytes from $re: icmp_seq=" "$f" | grep -c ' (DUP!)$')
	want=$(awk -v t="$n" -v r="$r" -v d="$d" "$F32_LOSS_AWK"'
		BEGIN { printf "%d packets transmitted, %d received, %s%s%% packet loss, time", t, r, d ? "+" d " duplicates, " : "", loss(t, r) }')
	case $counts in
	"$want "[0-9]*ms) ;;
	*) WHY="$t: counts line '$counts', but its reply lines make '$want ...ms'"; return 1 ;;
	esac
}

# same_as_ping IM_OUT PING_OUT: the two outputs are identical once the times
# are masked; shows the difference otherwise.
same_as_ping() {
	mask_times "$1" > "$1.masked"
	mask_times "$2" > "$2.masked"
	cmp -s "$1.masked" "$2.masked" && return 0
	diff -u "$2.masked" "$1.masked" | head -n 40 | sed 's/^/#   /'
	return 1
}

# bpf_build NAME [CLANG OPTIONS...] < SOURCE: compiles a small BPF program
# (uapi and libbpf headers only) to $TMPD/NAME.o.
bpf_build() {
	local name=$1 multiarch
	shift
	need clang
	multiarch=$(gcc -print-multiarch 2>/dev/null)
	[ -n "$multiarch" ] || multiarch=$(uname -m)-linux-gnu
	cat > "$TMPD/$name.c"
	clang -O2 -g -target bpf -I"/usr/include/$multiarch" "$@" -c "$TMPD/$name.c" -o "$TMPD/$name.o" \
		2> "$TMPD/$name.cc.err" || { diag_file "$TMPD/$name.cc.err"; fail "cannot compile $name.c"; }
}

# shaper_on DIR FLAG...: the responder misbehaves: tests/e2e/progs/shaper.bpf.c
# built with FLAG... (-DDUP_REPLIES, -DPASS_FIRST=N, -DDROP_SEQ_EVERY=M)
# replaces whatever shaper ran on the responder's veth in DIR (ingress or
# egress). SHAPER_MAP: the map counting what it did (shaper_count).
shaper_on() {
	local dir=$1 name id
	shift
	name=shaper-$dir
	bpf_build "$name" "$@" < "$E2E_DIR/progs/shaper.bpf.c"
	tc -n "$NS_R" qdisc show dev "$VETH_R" | grep -q clsact ||
		tc -n "$NS_R" qdisc add dev "$VETH_R" clsact || fail "cannot add clsact on the responder's veth"
	tc -n "$NS_R" filter replace dev "$VETH_R" "$dir" prio 7 handle 7 bpf da obj "$TMPD/$name.o" sec tc ||
		fail "cannot attach the responder's shaper ($*) on $dir"
	id=$(tc -n "$NS_R" -j filter show dev "$VETH_R" "$dir" | jq -r '.[] | select(.options.prog.name == "shaper") | .options.prog.id')
	SHAPER_MAP=$(prog_map_id "$id")
	[ -n "$SHAPER_MAP" ] || fail "no map for the responder's shaper on $dir"
}

# shaper_off DIR: the responder behaves again in DIR.
shaper_off() {
	tc -n "$NS_R" filter del dev "$VETH_R" "$1" prio 7 handle 7 bpf || fail "cannot remove the responder's shaper on $1"
}

# shaper_count: what the last attached shaper did so far.
shaper_count() { map_u64 "$SHAPER_MAP" 0; }

# prog_map_id PROG_ID: the id of the first map the program uses.
prog_map_id() { bpftool -j prog show id "$1" 2>/dev/null | jq -r '.map_ids[0] // empty'; }

# map_u64 MAP_ID KEY: a __u64 value of an array map (KEY < 256).
map_u64() {
	local hex
	hex=$(bpftool -j map lookup id "$1" key "$2" 0 0 0 2>/dev/null |
		jq -r '[(.value // [])[] | ltrimstr("0x")] | reverse | join("")' 2>/dev/null)
	echo "$((16#${hex:-0}))"
}

# settle NS ADDR: waits (10 s at most) until ADDR answers a ping from NS, so
# that neighbour discovery along the path is done before anything is measured.
settle() {
	local ns=$1 a=$2 fam=-4 i
	case $a in *:*) fam=-6 ;; esac
	for ((i = 0; i < 10; i++)); do
		timeout 5 ip netns exec "$ns" ping "$fam" -n -c 1 -W 1 -q "$a" >/dev/null 2>&1 && return 0
	done
	return 1
}

# A router between the prober and a destination namespace: the responder
# namespace forwards (and its ICMP errors are not rate limited), a third
# namespace NS_D sits behind it. After topo_up and topo6_up:
#
#   prober --(10.200.0/24, fd00:200::/64)-- router --(10.203.0/24, fd00:203::/64)-- dest
#
# The prober routes 10.203/16, 10.204/16, fd00:203::/64 and fd00:204::/64 via
# the router; the router only knows 10.203.0/24 and fd00:203::/64 (and has
# "unreachable" for 10.204.128/17); no namespace has a default route.
NS_D=im-d-$$
VETH_GD=img$$
VETH_D=imd$$
DEST=10.203.0.2
DEST6=fd00:203::2
router_up() {
	local ns
	ns_add "$NS_D"
	veth_pair "$NS_R" "$VETH_GD" "$NS_D" "$VETH_D"
	ip -n "$NS_R" addr add 10.203.0.1/24 dev "$VETH_GD" &&
	ip -n "$NS_D" addr add "$DEST/24" dev "$VETH_D" &&
	ip -n "$NS_R" addr add fd00:203::1/64 dev "$VETH_GD" nodad &&
	ip -n "$NS_D" addr add "$DEST6/64" dev "$VETH_D" nodad &&
	ip -n "$NS_D" route add 10.200.0.0/24 via 10.203.0.1 dev "$VETH_D" &&
	ip -n "$NS_D" -6 route add fd00:200::/64 via fd00:203::1 dev "$VETH_D" &&
	ip -n "$NS_R" route add unreachable 10.204.128.0/17 &&
	ip -n "$NS_P" route add 10.203.0.0/16 via "$R_ADDR" dev "$VETH_P" &&
	ip -n "$NS_P" route add 10.204.0.0/16 via "$R_ADDR" dev "$VETH_P" &&
	ip -n "$NS_P" -6 route add fd00:203::/64 via "$R6_ADDR" dev "$VETH_P" &&
	ip -n "$NS_P" -6 route add fd00:204::/64 via "$R6_ADDR" dev "$VETH_P" ||
		fail "cannot configure the routed topology"
	ip netns exec "$NS_R" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 >/dev/null || fail "cannot enable forwarding in the router"
	ip netns exec "$NS_D" sysctl -q -w net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 >/dev/null ||
		fail "cannot set the destination's ICMP sysctls"
	for ns in "$NS_P" "$NS_D"; do
		[ "$(ip netns exec "$ns" sysctl -n net.ipv4.ip_forward)" = 0 ] || fail "forwarding is on in $ns"
		no_default_route "$ns" || fail "$NETNS_WHY"
	done
	settle "$NS_P" "$DEST" || fail "no path to $DEST through the router"
	settle "$NS_P" "$DEST6" || fail "no path to $DEST6 through the router"
}

# A second veth pair between the prober and the responder: prober 10.203.0.1/24 on
# $V2P <-> responder $T2 (10.203.0.2/24) on $V2R. iface2_up creates (or re-creates) it.
V2P=imq$$ V2R=ims$$
T2=10.203.0.2
iface2_up() {
	ip link add "$V2P" netns "$NS_P" type veth peer name "$V2R" netns "$NS_R" &&
	ip -n "$NS_P" addr add 10.203.0.1/24 dev "$V2P" &&
	ip -n "$NS_R" addr add "$T2/24" dev "$V2R" &&
	ip -n "$NS_P" link set "$V2P" up &&
	ip -n "$NS_R" link set "$V2R" up || fail "cannot create the second veth pair"
	timeout 10 ip netns exec "$NS_P" ping -c 1 -W 2 -q "$T2" >/dev/null || fail "the responder does not answer $T2"
}

# cpu_ticks PID: user + system time of PID in clock ticks (HZ per second).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

# counts FILE TARGET: "transmitted received errors" of TARGET's ping statistics block.
counts() {
	grep -A1 -- "^--- ${2//./\\.} ping statistics ---$" "$1" | sed -n 2p |
		sed -nE 's/^([0-9]+) packets transmitted, ([0-9]+) received,( \+([0-9]+) errors,)? .*/\1 \2 \4/p'
}

# like_ping TARGET COUNT [ICMPMON ARGS...]: icmpmon -c COUNT -i 0.2 ARGS TARGET exits 0, writes
# nothing on stderr, prints COUNT well-formed replies, and its output equals the real ping's
# for the same command with the times masked. Fails the test otherwise.
like_ping() {
	local target=$1 count=$2
	shift 2
	icmpmon_p im "$@" -c "$count" -i 0.2 "$target"
	if [ "$RC" -ne 0 ]; then
		diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"
		fail "icmpmon $* exited $RC, expected 0"
	fi
	[ -s "$TMPD/im.err" ] && { diag_file "$TMPD/im.err"; fail "icmpmon $* wrote to stderr"; }
	check_ping_output "$TMPD/im.out" "$target" "$count" || { diag_file "$TMPD/im.out"; fail "icmpmon $* output: $WHY"; }
	run_p ping 30 ping -c "$count" -i 0.2 "$target"
	if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/ping.out" "$target" "$count"; then
		diag_file "$TMPD/ping.out"
		fail "the reference ping itself did not behave as expected (exit $RC) ${WHY:-}"
	fi
	same_as_ping "$TMPD/im.out" "$TMPD/ping.out" || fail "icmpmon $*: output differs from ping's (times masked)"
}

# bg_as_unit NAME UNIT BINARY ARGS...: starts BINARY in the prober namespace
# the way the systemd UNIT runs it: as nobody, holding exactly the unit's
# AmbientCapabilities (which must equal its CapabilityBoundingSet).
bg_as_unit() {
	local name=$1 unit=$2 caps set_
	shift 2
	caps=$(sed -n 's/^AmbientCapabilities=//p' "$unit")
	[ "$caps" = "$(sed -n 's/^CapabilityBoundingSet=//p' "$unit")" ] || fail "ambient and bounding sets differ in $unit"
	set_=$(echo "$caps" | tr 'A-Z' 'a-z' | sed -e 's/cap_//g' -e 's/ /,+/g' -e 's/^/+/')
	bg_p "$name" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,"$set_" \
		--ambient-caps=-all,"$set_" --bounding-set=-all,"$set_" --no-new-privs "$@"
}

# egress_attached NS DEV PID: icmpmon (PID) stamps probes on DEV: a clsact
# filter in its handle range, or a TCX egress link PID holds on DEV's ifindex.
egress_attached() {
	local ns=$1 dev=$2 pid=$3 ifindex f
	tc -n "$ns" filter show dev "$dev" egress | grep -Eq "handle $TC_HANDLE_RE .*icmpmon_egr" && return 0
	ifindex=$(ip -n "$ns" -j link show dev "$dev" | jq -r '.[0].ifindex')
	for f in /proc/"$pid"/fdinfo/*; do
		awk -v i="$ifindex" '/^link_type:/ { t = $2 } /^ifindex:/ { x = $2 } /^attach_type:/ { a = $3 }
			END { exit !(t == "tcx" && x == i && a == "(egress)") }' "$f" 2>/dev/null && return 0
	done
	return 1
}
