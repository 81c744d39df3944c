#!/usr/bin/env bash
# tc filters left by a killed --attach tc run (egress and ingress; t_05 covers
# the XDP case, which leaves only egress): the next run removes both, but
# never the filters of a live icmpmon. Three runs: A killed with SIGKILL; C
# (live) replaces A's stale filters; D runs next to C and leaves C's alone;
# C still matches replies after D, and exits cleanly on SIGINT. (clsact
# filters: --tc-link clsact; TCX links die with their process.)
. "$(dirname "$0")/lib.sh"
topo_up

# handles DIR: the icmpmon filter handles on the prober's veth, one a line.
handles() {
	tc -n "$NS_P" filter show dev "$VETH_P" "$1" | grep -Eo "handle $TC_HANDLE_RE icmpmon_[a-z_]+" | sort
}
re=${ANSWERED//./\\.}

bg_p a "$ICMPMON" --tc-link clsact --attach tc -i 0.1 "$ANSWERED"
pa=$BG_PID
wait_match "$TMPD/a.out" "^64 bytes from $re: icmp_seq=2 " 10 || { diag_file "$TMPD/a.err"; fail "A: no reply within 10 s"; }
{ kill -KILL "$pa"; bg_wait "$pa" 5; } 2>/dev/null
[ "$BG_RC" -eq 137 ] || fail "A exited $BG_RC after SIGKILL, expected 137"
stale_e=$(handles egress) stale_i=$(handles ingress)
[ -n "$stale_e" ] && [ -n "$stale_i" ] || fail "A left no stale filters (egress '$stale_e', ingress '$stale_i'): nothing to test"
diag "stale after SIGKILL: $(echo "$stale_e" "$stale_i" | tr '\n' ' ')"

bg_p c "$ICMPMON" --tc-link clsact --attach tc -i 0.1 "$ANSWERED"
pc=$BG_PID
wait_match "$TMPD/c.out" "^64 bytes from $re: icmp_seq=2 " 10 || { diag_file "$TMPD/c.err"; fail "C: no reply within 10 s"; }
[ ! -s "$TMPD/c.err" ] || { diag_file "$TMPD/c.err"; fail "C wrote to stderr"; }
c_e=$(handles egress) c_i=$(handles ingress)
[ "$(echo "$c_e" | grep -c .)" -eq 1 ] && [ "$(echo "$c_i" | grep -c .)" -eq 1 ] ||
	fail "with C running: egress '$c_e', ingress '$c_i': A's stale filters were not replaced by C's"
echo "$c_e" | grep -q 'icmpmon_egress$' && echo "$c_i" | grep -q 'icmpmon_tc_in$' || fail "C's filters: '$c_e' '$c_i'"

icmpmon_p d --tc-link clsact --attach tc -c 3 -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/d.out"; diag_file "$TMPD/d.err"; fail "D (next to C) exited $RC"; }
check_ping_output "$TMPD/d.out" "$ANSWERED" 3 || { diag_file "$TMPD/d.out"; fail "D: $WHY"; }
grep -q 'DUP!' "$TMPD/c.out" && fail "C counted D's replies as duplicates"
[ "$(handles egress)" = "$c_e" ] && [ "$(handles ingress)" = "$c_i" ] ||
	fail "after D: egress '$(handles egress)', ingress '$(handles ingress)'; expected C's '$c_e' '$c_i' untouched"
alive "$pc" || { diag_file "$TMPD/c.err"; fail "C ended while D ran"; }
n0=$(grep -c "^64 bytes from $re: " "$TMPD/c.out")
sleep 0.5
n1=$(grep -c "^64 bytes from $re: " "$TMPD/c.out")
[ "$n1" -ge $((n0 + 3)) ] || fail "C matched $((n1 - n0)) replies in the 0.5 s after D (its filters were disturbed)"
kill -INT "$pc"
bg_wait "$pc" 5
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/c.err"; fail "C exited $BG_RC after SIGINT"; }
# (the probe in flight at SIGINT may count as lost)
read -r tx rx < <(sed -nE 's/^([0-9]+) packets transmitted, ([0-9]+) received, .*/\1 \2/p' "$TMPD/c.out")
[ -n "$tx" ] && [ "$rx" -ge $((tx - 1)) ] && [ "$rx" -le "$tx" ] ||
	{ diag_file "$TMPD/c.out"; fail "C's summary: $(grep transmitted "$TMPD/c.out")"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
