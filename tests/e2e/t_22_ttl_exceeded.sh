#!/usr/bin/env bash
# ICMP errors quoting our probes, from a router between the prober and a
# destination: Time to live exceeded (IPv4) and Time exceeded: Hop limit
# (IPv6) with -t 1, Destination Net/Host Unreachable and the IPv6 No route.
# icmpmon prints them as ping does, counts them as "+N errors", exits 1.
# The topology is lib.sh's router_up: the responder namespace forwards
# between the prober and a destination namespace.
. "$(dirname "$0")/lib.sh"
topo_up
topo6_up

G_ADDR=$R_ADDR     # the router, as the prober sees it
G6_ADDR=$R6_ADDR
NET_UNREACH=10.204.0.9     # the router has no route: Destination Net Unreachable
HOST_UNREACH=10.204.200.9  # "unreachable" route in the router: Destination Host Unreachable
NOROUTE6=fd00:204::9       # the router has no route: Destination unreachable: No route
router_up

# Through the router, replies come back with ttl 63.
icmpmon_p fwd -c 3 -i 0.2 "$DEST" "$DEST6"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/fwd.out"; diag_file "$TMPD/fwd.err"; fail "icmpmon through the router exited $RC"; }
for t in "$DEST" "$DEST6"; do
	check_target_block "$TMPD/fwd.out" "$t" 3 63 || { diag_file "$TMPD/fwd.out"; fail "through the router: $WHY"; }
done

# check_errors NAME TARGET COUNT TEXT: NAME.out is icmpmon's output for COUNT
# probes to TARGET, each answered by "From <router> icmp_seq=N TEXT".
check_errors() {
	local name=$1 t=$2 n=$3 text=$4 f=$TMPD/$1.out from want got
	from=$G_ADDR
	case $t in *:*) from=$G6_ADDR ;; esac
	if [ "$RC" -ne 1 ]; then
		diag_file "$f"; diag_file "$TMPD/$name.err"
		fail "$name: icmpmon exited $RC, expected 1 (errors only, no reply)"
	fi
	[ -s "$TMPD/$name.err" ] && { diag_file "$TMPD/$name.err"; fail "$name: icmpmon wrote to stderr"; }
	want=$(ping_header "$t"; for ((i = 1; i <= n; i++)); do echo "From $from icmp_seq=$i $text"; done
		echo; echo "--- $t ping statistics ---")
	got=$(head -n $((n + 3)) "$f")
	if [ "$got" != "$want" ]; then
		diag_file "$f"
		fail "$name: expected the header, $n lines 'From $from icmp_seq=N $text' and the statistics block"
	fi
	sed -n "$((n + 4))p" "$f" | grep -Eq "^$n packets transmitted, 0 received, \+$n errors, 100% packet loss, time [0-9]+ms$" ||
		{ diag_file "$f"; fail "$name: counts line is '$(sed -n "$((n + 4))p" "$f")'"; }
	grep -q '^rtt' "$f" && { diag_file "$f"; fail "$name: an rtt line without replies"; }
	[ "$(wc -l < "$f")" -eq $((n + 5)) ] || { diag_file "$f"; fail "$name: $(wc -l < "$f") lines, expected $((n + 5))"; }
}

# vs_ping NAME PING_ARGS...: ping with the same arguments prints the same,
# times masked.
vs_ping() {
	local name=$1
	shift
	run_p "$name.ping" 30 ping "$@"
	[ "$RC" -eq 1 ] || { diag_file "$TMPD/$name.ping.out"; fail "$name: the reference ping exited $RC, expected 1"; }
	same_as_ping "$TMPD/$name.out" "$TMPD/$name.ping.out" ||
		fail "$name: icmpmon's output differs from ping $* (times masked)"
}

# TTL 1: the router answers every probe with Time to live exceeded.
icmpmon_p ttl4 -t 1 -c 3 -i 0.2 "$DEST"
check_errors ttl4 "$DEST" 3 "Time to live exceeded"
vs_ping ttl4 -t 1 -c 3 -i 0.2 "$DEST"
icmpmon_p ttl6 -6 -t 1 -c 3 -i 0.2 "$DEST6"
check_errors ttl6 "$DEST6" 3 "Time exceeded: Hop limit"
vs_ping ttl6 -6 -t 1 -c 3 -i 0.2 "$DEST6"
# ... in each receive hook.
for hook in "--xdp-mode generic" "--attach tc"; do
	# shellcheck disable=SC2086 # option and value
	icmpmon_p hook $hook -t 1 -c 3 -i 0.1 "$DEST" "$DEST6"
	[ "$RC" -eq 1 ] || { diag_file "$TMPD/hook.out"; diag_file "$TMPD/hook.err"; fail "-t 1 $hook: exit $RC, expected 1"; }
	for t in "$DEST" "$DEST6"; do
		counts=$(grep -A1 -Fx -- "--- $t ping statistics ---" "$TMPD/hook.out" | sed -n 2p)
		echo "$counts" | grep -Eq '^3 packets transmitted, 0 received, \+3 errors, 100% packet loss, time [0-9]+ms$' ||
			{ diag_file "$TMPD/hook.out"; fail "-t 1 $hook: $t: counts line is '$counts'"; }
	done
	[ "$(grep -c "^From $(re_quote "$G_ADDR") icmp_seq=[123] Time to live exceeded$" "$TMPD/hook.out")" -eq 3 ] &&
	[ "$(grep -c "^From $(re_quote "$G6_ADDR") icmp_seq=[123] Time exceeded: Hop limit$" "$TMPD/hook.out")" -eq 3 ] ||
		{ diag_file "$TMPD/hook.out"; fail "-t 1 $hook: not 3 error lines per target"; }
done

# Destination unreachable, as the router says it. An IPv4 router sends a
# route error to a source at most once per net.ipv4.route.error_cost (1 s; a
# global sysctl, left alone) out of a bucket the source's other ICMP errors
# empty (icmp_ratelimit=0 caps it at 0): so the probes are 1.2 s apart, and
# each run starts after a 1.5 s pause that refills the bucket.
icmpmon_p_unreach() { sleep 1.5; icmpmon_p "$@"; }
vs_ping_unreach() { sleep 1.5; vs_ping "$@"; }
icmpmon_p_unreach net -c 3 -i 1.2 -W 2 "$NET_UNREACH"
check_errors net "$NET_UNREACH" 3 "Destination Net Unreachable"
vs_ping_unreach net -c 3 -i 1.2 -W 2 "$NET_UNREACH"
icmpmon_p_unreach host -c 3 -i 1.2 -W 2 "$HOST_UNREACH"
check_errors host "$HOST_UNREACH" 3 "Destination Host Unreachable"
vs_ping_unreach host -c 3 -i 1.2 -W 2 "$HOST_UNREACH"
icmpmon_p noroute6 -c 3 -i 0.2 -W 2 "$NOROUTE6"
check_errors noroute6 "$NOROUTE6" 3 "Destination unreachable: No route"
vs_ping noroute6 -6 -c 3 -i 0.2 -W 2 "$NOROUTE6"

state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
