#!/usr/bin/env bash
# The fleet's recording rules and dashboard (docs/packaging, docs/fleet.md):
# promtool check rules and promtool test rules (icmpmon-rules.test.yml) pass;
# the Grafana dashboard is JSON with panels; every icmpmon_* name in a rule's
# or a dashboard's expression is a series a live exporter serves (a daemon with
# labelled targets, --metrics-group-by dc --metrics-target-histograms always,
# --metrics-target-labels inline and then info),
# every name with a colon in the dashboard is a rule the rules file records, and
# the dashboard shows the loss matrix, p99, dc-pair and lost-pairs rules.
. "$(dirname "$0")/lib.sh"
need prometheus promtool
need curl

PKG=$E2E_DIR/../../docs/packaging
RULES=$PKG/icmpmon-rules.yml
DASH=$PKG/grafana-dashboard.json

promtool check rules "$RULES" > "$TMPD/check" 2>&1 || { diag_file "$TMPD/check"; fail "promtool check rules"; }
(cd "$PKG" && promtool test rules icmpmon-rules.test.yml) > "$TMPD/test" 2>&1 ||
	{ diag_file "$TMPD/test"; fail "promtool test rules icmpmon-rules.test.yml"; }
jq -e '(.panels | length > 0) and all(.panels[]; .gridPos and .type and .title)' "$DASH" >/dev/null ||
	fail "the dashboard is not JSON with panels"

# What a live exporter serves, names of samples included (_bucket, _sum, _count),
# with the targets' labels on every series (inline, up to 1024 targets) and in
# icmpmon_target_info (info, above): the rules must find their series in either.
topo_up
printf '%s\n' "$ANSWERED dc=ams rack=r1" "10.201.0.8 dc=fra rack=r2" > "$TMPD/targets"
for labels in inline info; do
	: > "$TMPD/d.err"
	bg_p d "$ICMPMON" --daemon --file "$TMPD/targets" -i 0.1 -W 1 --metrics 9374 \
		--metrics-group-by dc --metrics-target-histograms always --metrics-target-labels "$labels"
	wait_match "$TMPD/d.err" '^icmpmon: probing 2 targets' 10 || { diag_file "$TMPD/d.err"; fail "no start ($labels)"; }
	sleep 1.5
	in_p curl -s -m 5 http://127.0.0.1:9374/metrics > "$TMPD/m-$labels.txt" || fail "no scrape ($labels)"
	kill -TERM "$BG_PID"
	bg_wait "$BG_PID" 10
	[ "$BG_RC" -eq 0 ] || fail "daemon exit $BG_RC ($labels)"
done
grep -q '^icmpmon_target_info{target="10.201.0.8",interface="[^"]*",dc="fra",rack="r2"} 1$' \
	"$TMPD/m-info.txt" || { diag_file "$TMPD/m-info.txt"; fail "no icmpmon_target_info with the file's labels"; }
grep -q '^icmpmon_probes_sent_total{target="10.201.0.8"} [1-9]' "$TMPD/m-info.txt" || fail "info: sent not by target alone"
cat "$TMPD/m-inline.txt" "$TMPD/m-info.txt" |
	awk '/^[a-z]/ { sub(/[{ ].*/, ""); print } /^# TYPE / { print $3 }' | sort -u > "$TMPD/served"
grep -qx icmpmon_group_rtt_seconds_bucket "$TMPD/served" || { diag_file "$TMPD/served"; fail "no group histogram served"; }
grep -qx icmpmon_rtt_seconds_bucket "$TMPD/served" || fail "no per-target histogram served"

# Expressions with their strings and rule names (level:metric:operations)
# removed leave the raw series names.
strip() { sed -E -e 's/"([^"\\]|\\.)*"//g' -e 's/[a-z_]*:[a-z0-9_]+:[a-z0-9_]+//g'; }
# The rules file without comments and annotations; the dashboard's queries and variables.
grep -vE '^ *#|^ *summary:' "$RULES" > "$TMPD/rule_exprs"
jq -r '[.. | objects | .expr? // empty] + [.templating.list[]?.definition // empty] | .[]' "$DASH" > "$TMPD/dash_exprs"
[ -s "$TMPD/dash_exprs" ] || fail "no expression in the dashboard"
sed -n 's/^ *- record: *//p' "$RULES" | sort -u > "$TMPD/recorded"

for n in $(cat "$TMPD/rule_exprs" "$TMPD/dash_exprs" | strip | grep -oE 'icmpmon_[a-z_]+' | sort -u); do
	grep -qx "$n" "$TMPD/served" || fail "$n is used by a rule or the dashboard but the exporter serves no such series"
done
for n in $(grep -oE '[a-z_]*:[a-z0-9_]+:[a-z0-9_]+' "$TMPD/dash_exprs" | sort -u); do
	grep -qx "$n" "$TMPD/recorded" || fail "the dashboard uses $n, which no rule records"
done
for n in icmpmon:loss_ratio:rate1m icmpmon:rtt_seconds:p99_1m icmpmon:lost_probes:increase5m \
	dc_pair:icmpmon_rtt_seconds:p99_1m dc_pair:icmpmon_loss_ratio:rate1m icmpmon:group_rtt_seconds:p99_1m; do
	grep -qx "$n" "$TMPD/recorded" || fail "the rules do not record $n"
	grep -qF "$n" "$TMPD/dash_exprs" || fail "the dashboard does not show $n"
done
pass
