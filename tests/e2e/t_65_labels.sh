#!/usr/bin/env bash
# Labels from the targets file (issue 15): they travel to every per-target
# metric and to the NDJSON; --metrics-group-by turns the per-target RTT
# histograms into a _sum/_count per target plus one histogram per group,
# summed from the same kernel histograms (checked once replies have stopped, so
# the numbers are still); a reload that changes a label relabels the target;
# a bad label is one line naming the file and line, exit 2, nothing attached.
. "$(dirname "$0")/lib.sh"
topo_up

PORT=9374
F=$TMPD/targets
printf '%s\n' "10.201.0.1 dc=ams rack=r1" "10.201.0.2 dc=ams rack=r2" "10.201.0.3 dc=fra rack=r1" \
	"10.201.0.4   # no labels" > "$F"

# NDJSON: every object about a target carries its labels
run_p json 20 "$ICMPMON" --json -c 2 -i 0.05 --file "$F"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/json.err"; fail "--json run exit $RC"; }
jq -se '[.[] | select(.type=="reply" and .addr=="10.201.0.3") | .labels == {"dc":"fra","rack":"r1"}]
	| length == 2 and all' "$TMPD/json.out" >/dev/null || { diag_file "$TMPD/json.out"; fail "no labels on 10.201.0.3's replies"; }
jq -se '[.[] | select(.type=="start") | .targets[] | select(.addr=="10.201.0.4") | has("labels")] == [false]' \
	"$TMPD/json.out" >/dev/null || fail "an unlabelled target got labels"

# bad labels: file and line, one line, exit 2
printf '%s\n' "10.201.0.1 dc=ams" "10.201.0.2 __name__=x" > "$TMPD/bad"
run_p bad 20 "$ICMPMON" -c 1 --file "$TMPD/bad"
[ "$RC" -eq 2 ] || fail "bad label: exit $RC, expected 2"
[ "$(wc -l < "$TMPD/bad.err")" -eq 1 ] || { diag_file "$TMPD/bad.err"; fail "bad label: not one line"; }
grep -q "^icmpmon: $TMPD/bad:2: label '__name__=x': '__name__' is reserved$" "$TMPD/bad.err" ||
	{ diag_file "$TMPD/bad.err"; fail "bad label: message"; }
[ -z "$(attached_state)" ] || fail "bad label left something attached"

bg_p d "$ICMPMON" --daemon --file "$F" -i 0.1 -W 1 --metrics "$PORT" --metrics-group-by dc
PID=$BG_PID
scrape() { in_p curl -s -m 5 "http://127.0.0.1:$PORT/metrics" > "$TMPD/$1"; }
for ((i = 0; i < 50; i++)); do
	scrape m
	grep -Eq '^icmpmon_replies_total\{target="10.201.0.4",.*\} ([3-9]|[1-9][0-9]+)$' "$TMPD/m" && break
	sleep 0.2
done
grep -Eq '^icmpmon_replies_total\{target="10.201.0.1",host="10.201.0.1",interface="[^"]*",dc="ams",rack="r1"\} [1-9]' \
	"$TMPD/m" || { diag_file "$TMPD/m"; fail "no labelled replies for 10.201.0.1"; }

# Stop the answers, let every probe settle, then compare groups with targets.
ip -n "$NS_R" route del local 10.201.0.0/16 dev lo
sleep 1.5
scrape s
grep -q '^# TYPE icmpmon_rtt_seconds summary$' "$TMPD/s" || fail "per-target RTT is not a summary with --metrics-group-by"
grep -q '^icmpmon_rtt_seconds_bucket' "$TMPD/s" && fail "per-target buckets with --metrics-group-by"
sum_targets() { # DC
	awk -v dc="$1" '/^icmpmon_rtt_seconds_count\{/ && index($0, "dc=\"" dc "\"") { n += $NF } END { print n + 0 }' "$TMPD/s"
}
group() { sed -n "s/^icmpmon_group_rtt_seconds_count{dc=\"$1\"} //p" "$TMPD/s"; }
for dc in ams fra; do
	[ "$(group $dc)" = "$(sum_targets $dc)" ] && [ "$(group $dc)" -gt 0 ] ||
		{ diag_file "$TMPD/s"; fail "group dc=$dc counts $(group $dc), its targets $(sum_targets $dc)"; }
done
unlabelled=$(sed -n 's/^icmpmon_rtt_seconds_count{target="10.201.0.4",[^}]*} //p' "$TMPD/s")
[ "$(group '')" = "$unlabelled" ] || fail "group dc=\"\" counts $(group ''), the unlabelled target $unlabelled"
inf=$(sed -n 's/^icmpmon_group_rtt_seconds_bucket{dc="ams",le="+Inf"} //p' "$TMPD/s")
[ "$inf" = "$(group ams)" ] || fail "+Inf bucket $inf != count $(group ams)"

# SIGHUP with a changed label
sed -i 's/^10.201.0.3 dc=fra rack=r1$/10.201.0.3 dc=ams rack=r9/' "$F"
kill -HUP "$PID"
wait_match "$TMPD/d.err" 'reloaded targets: 4 kept, 0 added, 0 removed, 0 renamed, 1 relabelled' 5 ||
	{ diag_file "$TMPD/d.err"; fail "no relabel on reload"; }
scrape h
grep -Eq '^icmpmon_replies_total\{target="10.201.0.3",.*,dc="ams",rack="r9"\} ' "$TMPD/h" ||
	{ diag_file "$TMPD/h"; fail "new labels not in /metrics after the reload"; }
grep -q 'icmpmon_group_rtt_seconds_count{dc="fra"}' "$TMPD/h" && fail "group dc=fra still there after the reload"
kill -TERM "$PID"
bg_wait "$PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/d.err"; fail "daemon exit $BG_RC"; }
pass
