#!/usr/bin/env bash
# Reload churn (issue 12, row 2): 600 targets in 1,200 slots. Deploy 600
# others and SIGHUP, revert 2 s later and SIGHUP: the first 600 go back to
# their slots (still in quarantine) and are probed at once. Then 600 new
# ones while every slot is taken or in quarantine: they are left out, and
# probed as soon as quarantines end; never fewer targets than listed for long.
. "$(dirname "$0")/lib.sh"
topo_up
need curl

PORT=9375
URL=http://127.0.0.1:$PORT
F=$TMPD/targets
N=600
list() { # list THIRD_OCTET_BASE: N addresses inside 10.201.0.0/16 (all answered)
	local k
	for ((k = 0; k < N; k++)); do echo "10.201.$(($1 + k / 250)).$((1 + k % 250))"; done
}
list 1 > "$TMPD/A"
list 11 > "$TMPD/B"
list 21 > "$TMPD/C"
scrape() { in_p curl -s -m 5 "$URL/metrics" > "$TMPD/$1"; }
gauge() { sed -n "s/^$2 //p" "$TMPD/$1"; }
# wait_targets WANT SECONDS: until icmpmon_targets is WANT with none over capacity
wait_targets() {
	local i
	for ((i = 0; i < $2 * 5; i++)); do
		scrape w
		[ "$(gauge w icmpmon_targets)" = "$1" ] && [ "$(gauge w icmpmon_targets_over_capacity)" = 0 ] && return 0
		sleep 0.2
	done
	return 1
}
replies_of() { grep -E "^icmpmon_replies_total\{target=\"$2\"," "$TMPD/$1" | awk '{print $NF}'; }

cp "$TMPD/A" "$F"
bg_p d "$ICMPMON" --daemon --file "$F" -i 0.5 -W 1 --metrics "$PORT"
PID=$BG_PID
wait_targets $N 30 || { diag_file "$TMPD/d.err"; fail "never $N targets at the start"; }
[ "$(gauge w icmpmon_target_slots)" = 1200 ] || fail "not 1200 slots: $(gauge w icmpmon_target_slots)"

# A -> B -> A within the quarantine
cp "$TMPD/B" "$F"; kill -HUP "$PID"
sleep 2
cp "$TMPD/A" "$F"; kill -HUP "$PID"
wait_match "$TMPD/d.err" 'reloaded targets.*reloaded targets' 5 || true
for ((i = 0; i < 50; i++)); do [ "$(grep -c 'reloaded targets' "$TMPD/d.err")" -ge 2 ] && break; sleep 0.1; done
scrape r1
diag "after A -> B -> A: targets $(gauge r1 icmpmon_targets), over capacity $(gauge r1 icmpmon_targets_over_capacity)"
[ "$(gauge r1 icmpmon_targets)" = $N ] || { diag_file "$TMPD/d.err"; fail "after reverting: $(gauge r1 icmpmon_targets) targets probed, $N listed"; }
first=$(head -1 "$TMPD/A")
r_before=$(replies_of r1 "$first")
sleep 1.5
scrape r2
r_after=$(replies_of r2 "$first")
[ -n "$r_after" ] && [ "$r_after" -gt "${r_before:-0}" ] || fail "$first: replies ${r_before:-none} -> ${r_after:-none}: not probed after the revert"

# A -> B -> C: B and A are in quarantine, C must wait for slots, then be probed.
cp "$TMPD/B" "$F"; kill -HUP "$PID"
for ((i = 0; i < 50; i++)); do [ "$(grep -c 'reloaded targets' "$TMPD/d.err")" -ge 3 ] && break; sleep 0.1; done
cp "$TMPD/C" "$F"; kill -HUP "$PID"
for ((i = 0; i < 50; i++)); do [ "$(grep -c 'reloaded targets' "$TMPD/d.err")" -ge 4 ] && break; sleep 0.1; done
t0=$(date +%s%N)
wait_targets $N 15 || { diag_file "$TMPD/d.err"; diag "$(grep -E '^icmpmon_targets' "$TMPD/w")"; fail "C: not all $N targets probed within 15 s of the reload"; }
diag "C: all $N probed $((($(date +%s%N) - t0) / 1000000)) ms after the reload"
lastc=$(tail -1 "$TMPD/C")
sleep 1.5
scrape c
[ "$(replies_of c "$lastc")" -gt 0 ] 2>/dev/null || fail "$lastc (left out at first) gets no replies"
grep -q "target=\"$(head -1 "$TMPD/B")\"" "$TMPD/c" && fail "B's targets are still exported"

kill -TERM "$PID"
bg_wait "$PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/d.err"; fail "exit $BG_RC after SIGTERM"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
