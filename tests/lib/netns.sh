# shellcheck shell=bash
# Network namespaces and bounded processes, shared by the end-to-end tests
# (tests/e2e/lib.sh, tests/e2e/fleet.sh) and the benchmarks (bench/lib.sh).
# Only functions: the caller names its namespaces (NS_P, NS_R for in_p and
# in_r), keeps the pids it started and decides what a failure does (each
# function returns non-zero and leaves the caller to fail or die).

proc_state() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null; }

# alive PID: PID exists and is not a zombie.
alive() {
	local s
	s=$(proc_state "$1")
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

# term_then_kill PID [TENTHS]: SIGTERM, then SIGKILL if PID still runs after
# TENTHS tenths of a second (default 20).
term_then_kill() {
	local pid=$1 n=$((${2:-20} * 2)) i
	alive "$pid" && kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < n; i++)); do alive "$pid" || break; sleep 0.05; done
	alive "$pid" && kill -KILL "$pid" 2>/dev/null
	return 0
}

# stop_pid PID: term_then_kill, and reaps PID when it is our child.
stop_pid() {
	local pid=$1
	[ -n "$pid" ] || return 0
	term_then_kill "$pid"
	wait "$pid" 2>/dev/null
	return 0
}

# stop_pids [TENTHS] -- PID...: SIGTERM to all at once, then each is waited
# for (TENTHS, default 20), killed if it has to be and reaped.
stop_pids() {
	local tenths=20 pid
	if [ "${2:-}" = -- ]; then tenths=$1; shift 2; fi
	for pid in "$@"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null; done
	for pid in "$@"; do term_then_kill "$pid" "$tenths"; wait "$pid" 2>/dev/null; done
	return 0
}

# bg_wait PID SECONDS: waits at most SECONDS for PID (a child of this shell),
# stops it if it is still running, and sets BG_RC to its exit status.
bg_wait() {
	local pid=$1 secs=$2 i
	for ((i = 0; i < secs * 20; i++)); do
		alive "$pid" || break
		sleep 0.05
	done
	alive "$pid" && term_then_kill "$pid"
	wait "$pid" 2>/dev/null
	BG_RC=$?
}

# ns_create NS: a namespace whose name lookups go to its own 127.0.0.1 only
# (/etc/netns/NS/resolv.conf), loopback up.
ns_create() {
	local ns=$1 i
	ip netns add "$ns" || return 1
	# (another test ending may rmdir an empty /etc/netns between mkdir -p's
	# two steps: try again)
	for i in 1 2 3 4 5; do
		mkdir -p "/etc/netns/$ns" 2>/dev/null && break
		sleep 0.1
	done
	echo "nameserver 127.0.0.1" > "/etc/netns/$ns/resolv.conf" || return 1
	ip -n "$ns" link set lo up
}

# ns_delete NS...: kills every process left in the namespaces (only the
# caller's own processes run there), deletes them and their /etc/netns files.
ns_delete() {
	local ns pid
	for ns in "$@"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
	done
	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	rmdir /etc/netns 2>/dev/null
	return 0
}

# veth_link NS1 DEV1 NS2 DEV2: a veth pair between two namespaces, both ends up.
veth_link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" &&
	ip -n "$1" link set "$2" up &&
	ip -n "$3" link set "$4" up
}

# no_default_route NS...: none of the namespaces has an IPv4 or IPv6 default
# route (so no probe can leave for an address outside them); names the first
# that has one in NETNS_WHY.
no_default_route() {
	local ns
	NETNS_WHY=""
	for ns in "$@"; do
		if ip -n "$ns" route show default | grep -q . || ip -n "$ns" -6 route show default | grep -q .; then
			NETNS_WHY="namespace $ns has a default route"
			return 1
		fi
	done
}

in_p() { ip netns exec "$NS_P" "$@"; }
in_r() { ip netns exec "$NS_R" "$@"; }

# snmp_icmp NS FIELD: a field of the Icmp: line of /proc/net/snmp in NS.
snmp_icmp() {
	ip netns exec "$1" cat /proc/net/snmp | awk -v f="$2" '
		$1 == "Icmp:" && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == "Icmp:" && h { print $(col[f]); exit }'
}
