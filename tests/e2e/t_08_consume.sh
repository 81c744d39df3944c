#!/usr/bin/env bash
# --consume: matched replies are dropped in the kernel hook, so the prober's
# stack never sees them (IcmpInEchoReps does not move); without it, it does.
. "$(dirname "$0")/lib.sh"
topo_up

N=5
# run_counted NAME ARGS...: icmpmon -c N, sets DELTA to the change of the
# prober namespace's IcmpInEchoReps.
run_counted() {
	local name=$1 before after
	shift
	before=$(snmp_icmp "$NS_P" InEchoReps)
	icmpmon_p "$name" "$@" -c "$N" -i 0.1 "$ANSWERED"
	after=$(snmp_icmp "$NS_P" InEchoReps)
	if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/$name.out" "$ANSWERED" "$N"; then
		diag_file "$TMPD/$name.out"; diag_file "$TMPD/$name.err"
		fail "icmpmon $* exited $RC: ${WHY:-expected 0}"
	fi
	[ -n "$before" ] && [ -n "$after" ] || fail "cannot read IcmpInEchoReps in $NS_P"
	DELTA=$((after - before))
}

run_counted consume --consume
[ "$DELTA" -eq 0 ] || fail "with --consume IcmpInEchoReps rose by $DELTA, expected 0"

run_counted plain
[ "$DELTA" -eq "$N" ] || fail "without --consume IcmpInEchoReps rose by $DELTA, expected $N"

# The tc-ingress hook consumes too.
run_counted tcconsume --attach tc --consume
[ "$DELTA" -eq 0 ] || fail "with --attach tc --consume IcmpInEchoReps rose by $DELTA, expected 0"

# Only icmpmon's own replies are dropped: ping, probing the same target at
# the same time, gets all of its replies.
bg_p im "$ICMPMON" --consume -c 20 -i 0.05 "$ANSWERED"
pi=$BG_PID
bg_p ping ping -c 20 -i 0.05 "$ANSWERED"
pp=$BG_PID
bg_wait "$pi" 30; rci=$BG_RC
bg_wait "$pp" 30; rcp=$BG_RC
[ "$rci" -eq 0 ] && check_ping_output "$TMPD/im.out" "$ANSWERED" 20 ||
	{ diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"; fail "icmpmon --consume next to ping (exit $rci): ${WHY:-}"; }
[ "$rcp" -eq 0 ] && check_ping_output "$TMPD/ping.out" "$ANSWERED" 20 ||
	{ diag_file "$TMPD/ping.out"; fail "ping next to icmpmon --consume (exit $rcp): ${WHY:-}"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
