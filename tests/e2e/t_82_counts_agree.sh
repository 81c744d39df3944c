#!/usr/bin/env bash
# Issue 12, row 11: the final JSON counts agree with the text summary. 40
# probes to a silent target, the run ending right after the last one's
# timeout: every probe is a timeout in the JSON summary (the last was still
# outstanding when the run ended, and ping's text counts it lost), in the
# kernel path and in socket mode.
. "$(dirname "$0")/lib.sh"
topo_up
N=40
for mode in kernel socket; do
	icmpmon_p j --mode "$mode" --json -c "$N" -i 0.02 -W 0.5 "$SILENT"
	[ "$RC" -eq 1 ] || { diag_file "$TMPD/j.out"; diag_file "$TMPD/j.err"; fail "$mode: exit $RC, expected 1"; }
	got=$(jq -c 'select(.type == "summary") | [.sent, .received, .timeouts, .loss_pct]' "$TMPD/j.out")
	[ "$got" = "[$N,0,$N,100]" ] || fail "$mode: summary [sent,received,timeouts,loss_pct] = $got, expected [$N,0,$N,100]"
	n=$(jq -c 'select(.type == "timeout")' "$TMPD/j.out" | wc -l)
	[ "$n" -eq "$N" ] || fail "$mode: $n timeout objects, expected $N"
	icmpmon_p t --mode "$mode" -c "$N" -i 0.02 -W 0.5 "$SILENT"
	grep -Eq "^$N packets transmitted, 0 received, 100% packet loss" "$TMPD/t.out" ||
		{ diag_file "$TMPD/t.out"; fail "$mode: text counts line is '$(grep transmitted "$TMPD/t.out")'"; }
done
pass
