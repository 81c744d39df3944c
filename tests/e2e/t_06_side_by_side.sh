#!/usr/bin/env bash
# Two icmpmon instances probe the same target at the same time, then icmpmon
# and iputils ping do: each counts exactly its own probes' replies.
. "$(dirname "$0")/lib.sh"
topo_up

N=20
# check_exact NAME: NAME.out is a run of -c $N with every probe answered once.
check_exact() {
	local f=$TMPD/$1.out
	if ! check_ping_output "$f" "$ANSWERED" "$N"; then
		diag_file "$f"; diag_file "$TMPD/$1.err"
		fail "$1: $WHY"
	fi
	if grep -q 'DUP!\|duplicates' "$f"; then
		diag_file "$f"
		fail "$1 reports duplicates: it counted another prober's replies"
	fi
}

# Part 1: two icmpmon instances.
bg_p a "$ICMPMON" -c "$N" -i 0.05 "$ANSWERED"
pa=$BG_PID
bg_p b "$ICMPMON" -c "$N" -i 0.05 "$ANSWERED"
pb=$BG_PID
bg_wait "$pa" 30; rca=$BG_RC
bg_wait "$pb" 30; rcb=$BG_RC
for x in a b; do
	rc=$([ $x = a ] && echo "$rca" || echo "$rcb")
	if [ "$rc" -ne 0 ]; then
		diag_file "$TMPD/$x.out"; diag_file "$TMPD/$x.err"
		fail "icmpmon instance $x exited $rc, expected 0 (stderr: $(head -c 200 "$TMPD/$x.err"))"
	fi
	check_exact "$x"
done
# Both were running at once: each one's probes overlap the other's in time.
state=$(attached_state)
[ -z "$state" ] || fail "left attached after two instances: $state"

# Part 2: icmpmon and iputils ping.
bg_p im "$ICMPMON" -c "$N" -i 0.05 "$ANSWERED"
pi=$BG_PID
bg_p ping ping -c "$N" -i 0.05 "$ANSWERED"
pp=$BG_PID
bg_wait "$pi" 30; rci=$BG_RC
bg_wait "$pp" 30; rcp=$BG_RC
if [ "$rci" -ne 0 ]; then
	diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"
	fail "icmpmon next to ping exited $rci, expected 0"
fi
check_exact im
[ "$rcp" -eq 0 ] || { diag_file "$TMPD/ping.out"; fail "ping next to icmpmon exited $rcp"; }
check_exact ping
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
