#!/usr/bin/env bash
# --daemon: nothing on stdout, runs until SIGTERM (exit 0, nothing attached);
# SIGHUP re-reads --file: a target that stays keeps its counters, a removed one
# disappears from /metrics and from icmpmon_targets, new ones are probed from
# zero; a reload that fails changes nothing.
. "$(dirname "$0")/lib.sh"
topo_up

need curl

PORT=9374
URL=http://127.0.0.1:$PORT
F=$TMPD/targets
KEEP=10.201.0.7
GONE=10.201.0.8
NEW1=10.201.0.9
NEW2=10.201.1.1

scrape() { in_p curl -s -m 5 "$URL/metrics" > "$TMPD/$1"; }
replies() { grep -E "^icmpmon_replies_total\{target=\"$2\"," "$TMPD/$1" | awk '{print $NF}'; }
# until every named target has at least N replies in a scrape (at most 10 s)
wait_replies() {
	local n=$1 i t ok
	shift
	for ((i = 0; i < 50; i++)); do
		scrape w
		ok=1
		for t in "$@"; do
			r=$(replies w "$t")
			[ -n "$r" ] && [ "$r" -ge "$n" ] || ok=0
		done
		[ "$ok" = 1 ] && return 0
		sleep 0.2
	done
	return 1
}

printf '# fleet\n%s\n%s\n' "$KEEP" "$GONE" > "$F"
bg_p d "$ICMPMON" --daemon --file "$F" -i 0.1 -W 1 --metrics "$PORT"
PID=$BG_PID
wait_replies 5 "$KEEP" "$GONE" || { diag_file "$TMPD/d.err"; diag_file "$TMPD/w"; fail "no replies from both targets"; }
grep -q "^icmpmon_targets 2$" "$TMPD/w" || fail "icmpmon_targets is not 2"
grep -q "^icmpmon_target_slots 1024$" "$TMPD/w" || fail "not 1024 slots (max(1024, 2 x 2))"
before=$(replies w "$KEEP")

printf '%s\n%s\n%s\n' "$NEW1" "$KEEP" "$NEW2" > "$F"
kill -HUP "$PID"
wait_match "$TMPD/d.err" 'reloaded targets' 5 || { diag_file "$TMPD/d.err"; fail "no reload line after SIGHUP"; }
grep -q "^icmpmon: reloaded targets: 1 kept, 2 added, 1 removed, 0 renamed$" "$TMPD/d.err" ||
	{ diag_file "$TMPD/d.err"; fail "reload line"; }
wait_replies 3 "$NEW1" "$NEW2" || { diag_file "$TMPD/w"; fail "the new targets get no replies"; }
after=$(replies w "$KEEP")
[ "$after" -gt "$before" ] || fail "$KEEP: replies went from $before to $after across the reload"
grep -q "target=\"$GONE\"" "$TMPD/w" && fail "$GONE is still exported after its removal"
grep -q "^icmpmon_targets 3$" "$TMPD/w" || fail "icmpmon_targets is not 3"
grep -q '^icmpmon_reloads_total{result="success"} 1$' "$TMPD/w" || fail "reloads_total success != 1"
# Probing of the removed target stopped: its echo requests no longer reach the responder.
n1=$(snmp_icmp "$NS_R" InEchos)
sleep 1
scrape w2
sent_keep_1=$(grep -E "^icmpmon_probes_sent_total\{target=\"$KEEP\"," "$TMPD/w" | awk '{print $NF}')
sent_keep_2=$(grep -E "^icmpmon_probes_sent_total\{target=\"$KEEP\"," "$TMPD/w2" | awk '{print $NF}')
n2=$(snmp_icmp "$NS_R" InEchos)
# 3 targets at 10/s for about a second: about 30 echoes, never the 40 of 4 targets.
[ $((n2 - n1)) -le 36 ] || fail "$((n2 - n1)) echo requests in a second: the removed target is still probed"
[ "$sent_keep_2" -gt "$sent_keep_1" ] || fail "$KEEP is no longer probed"

# A failed reload (a name that does not resolve) changes nothing.
printf '%s\nno-such-host.invalid\n' "$KEEP" > "$F"
kill -HUP "$PID"
wait_match "$TMPD/d.err" 'reload failed' 5 || { diag_file "$TMPD/d.err"; fail "no failure line"; }
scrape w
grep -q "^icmpmon_targets 3$" "$TMPD/w" || fail "a failed reload changed the targets"
grep -q '^icmpmon_reloads_total{result="failure"} 1$' "$TMPD/w" || fail "reloads_total failure != 1"

kill -TERM "$PID"
bg_wait "$PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/d.err"; fail "exit $BG_RC after SIGTERM, expected 0"; }
[ -s "$TMPD/d.out" ] && { diag_file "$TMPD/d.out"; fail "--daemon wrote to stdout"; }
grep -q "^icmpmon: probing 2 targets every 0.1 s, metrics on $URL/metrics" "$TMPD/d.err" ||
	{ diag_file "$TMPD/d.err"; fail "no start line"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"

# --max-targets: a reload that does not fit leaves the rest out, and says so.
printf '%s\n' "$KEEP" > "$F"
bg_p d2 "$ICMPMON" --daemon --file "$F" -i 0.1 --max-targets 2
wait_match "$TMPD/d2.err" '^icmpmon: probing 1 targets' 10 || { diag_file "$TMPD/d2.err"; fail "no start line"; }
printf '%s\n%s\n%s\n' "$KEEP" "$NEW1" "$NEW2" > "$F"
kill -HUP "$BG_PID"
wait_match "$TMPD/d2.err" 'reloaded targets' 5 || { diag_file "$TMPD/d2.err"; fail "no reload line"; }
grep -q "1 kept, 1 added, 0 removed, 0 renamed, 1 left out: all 2 slots taken (raise --max-targets)$" "$TMPD/d2.err" ||
	{ diag_file "$TMPD/d2.err"; fail "over-capacity line"; }
kill -TERM "$BG_PID"
bg_wait "$BG_PID" 10
[ "$BG_RC" -eq 0 ] || fail "exit $BG_RC after SIGTERM"

# Option clashes: exit 2 before anything is attached.
for args in "-c 3" "--json" "-f"; do
	# shellcheck disable=SC2086
	icmpmon_p bad --daemon $args "$KEEP"
	[ "$RC" -eq 2 ] || fail "--daemon $args: exit $RC, expected 2"
done
icmpmon_p bad --daemon --file "$F" --max-targets 1 "$KEEP" "$NEW1"
[ "$RC" -eq 2 ] && grep -q "targets but --max-targets 1" "$TMPD/bad.err" || { diag_file "$TMPD/bad.err"; fail "--max-targets below the targets"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
