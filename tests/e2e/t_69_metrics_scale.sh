#!/usr/bin/env bash
# /metrics at scale (issue 15): a daemon on 4,096 labelled targets (above the
# 1024 of --metrics-target-labels auto) serves the targets' labels once, in
# icmpmon_target_info, and per-target series by target alone (sent, replies,
# the RTT _sum; the rarely non-zero counters only where non-zero); the body is
# written as it is sent, so a scrape leaves the daemon's peak RSS where it was
# (within 3 MiB, text and protobuf); and a real Prometheus, loading
# docs/packaging/icmpmon-rules.yml, joins the series on icmpmon_target_info:
# every target gets its dc and host, and the data-centre pairs and the
# per-target loss come out for all of them.
. "$(dirname "$0")/lib.sh"
need prometheus
need promtool
need curl
need jq
topo_up

N=4096
PORT=9374
PROM_PORT=9391
RULES=$E2E_DIR/../../docs/packaging/icmpmon-rules.yml
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++) printf "10.201.%d.%d dc=dc%d rack=r%02d\n", int(i / 256), i % 256, i % 4, i % 16 }' \
	> "$TMPD/targets"

bg_p d "$ICMPMON" --daemon --file "$TMPD/targets" -i 1 -W 2 --metrics "$PORT" --metrics-group-by dc
PID=$BG_PID
wait_match "$TMPD/d.err" "^icmpmon: probing $N targets" 30 || { diag_file "$TMPD/d.err"; fail "no start"; }
URL=http://127.0.0.1:$PORT/metrics
PB='Accept: application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited'
sleep 3
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$PID/status"; }
HWM0=$(hwm)

# The text body: one info series per target, with the file's labels; the rest by target alone.
in_p curl -s -m 10 -D "$TMPD/h.txt" "$URL" > "$TMPD/m.txt" || fail "no scrape"
grep -qi '^transfer-encoding: chunked' "$TMPD/h.txt" || { diag_file "$TMPD/h.txt"; fail "the body is not streamed (chunked)"; }
[ "$(grep -c '^icmpmon_target_info{' "$TMPD/m.txt")" -eq "$N" ] || fail "not $N icmpmon_target_info series"
grep -Eq '^icmpmon_target_info\{target="10\.201\.0\.7",interface="[^"]+",dc="dc3",rack="r07"\} 1$' \
	"$TMPD/m.txt" || fail "icmpmon_target_info of 10.201.0.7"
for fam in icmpmon_probes_sent_total icmpmon_replies_total icmpmon_rtt_seconds_sum; do
	[ "$(grep -Ec "^$fam\{target=\"[0-9.]+\"\} [0-9.]+$" "$TMPD/m.txt")" -eq "$N" ] ||
		fail "$fam: not one series per target with target alone"
done
grep -q '^icmpmon_probes_stamped_total{' "$TMPD/m.txt" && fail "stamped per target at scale"
grep -q '^icmpmon_rtt_seconds_count{' "$TMPD/m.txt" && fail "the summary's _count per target at scale"
grep -Eq '^icmpmon_(timeouts|duplicates|send_errors|icmp_errors|probes_unstamped)_total\{.*\} 0$' "$TMPD/m.txt" &&
	fail "a rarely non-zero counter served at 0"
grep -q '^# TYPE icmpmon_timeouts_total counter$' "$TMPD/m.txt" || fail "no TYPE line for the sparse timeouts"
[ "$(grep -c '^icmpmon_group_rtt_seconds_count{' "$TMPD/m.txt")" -eq 4 ] || fail "not 4 group histograms"
BYTES=$(stat -c %s "$TMPD/m.txt")
[ "$BYTES" -le $((N * 300)) ] || fail "text body $BYTES bytes: more than 300 per target"
diag "text body: $BYTES bytes, $((BYTES / N)) per target"
promtool check metrics < "$TMPD/m.txt" > "$TMPD/lint" 2>&1 || { diag_file "$TMPD/lint"; fail "promtool check metrics"; }

# Scrapes, text and protobuf, add almost nothing to the peak RSS.
for i in 1 2 3; do
	in_p curl -s -m 10 -o /dev/null "$URL" || fail "text scrape $i"
	in_p curl -s -m 10 -H "$PB" -o "$TMPD/m.pb" "$URL" || fail "protobuf scrape $i"
done
[ -s "$TMPD/m.pb" ] && grep -qa icmpmon_target_info "$TMPD/m.pb" || fail "no icmpmon_target_info in protobuf"
HWM1=$(hwm)
diag "VmHWM before scrapes ${HWM0} KiB, after 6: ${HWM1} KiB"
[ $((HWM1 - HWM0)) -le 3072 ] || fail "the scrapes raised the peak RSS by $((HWM1 - HWM0)) KiB"

# A real Prometheus with the rules: the joins on icmpmon_target_info.
cat > "$TMPD/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ['$RULES']
scrape_configs:
  - job_name: icmpmon
    static_configs:
      - targets: ['127.0.0.1:$PORT']
        labels: {source_dc: dc9}
EOC
promtool check config "$TMPD/prometheus.yml" > "$TMPD/cfg" 2>&1 || { diag_file "$TMPD/cfg"; fail "promtool check config"; }
bg_p prom timeout 120 prometheus --config.file="$TMPD/prometheus.yml" --storage.tsdb.path="$TMPD/tsdb" \
	--web.listen-address="127.0.0.1:$PROM_PORT" --web.console.templates="$TMPD" --web.console.libraries="$TMPD"
# q PROMQL: the values of an instant query, one per line.
q() {
	in_p curl -s -m 10 -G --data-urlencode "query=$1" "http://127.0.0.1:$PROM_PORT/api/v1/query" |
		jq -r '.data.result[]? | .value[1]'
}
# until PROMQL EXPECTED: waits (30 s at most) for the query's only value to be EXPECTED.
until_q() {
	local i v
	for ((i = 0; i < 60; i++)); do
		v=$(q "$1")
		[ "$v" = "$2" ] && return 0
		sleep 0.5
	done
	fail "$1: '$v', expected $2"
}
until_q 'count(icmpmon_probes_sent_total * on (instance, job, target) group_left (dc) icmpmon_target_info)' "$N"
until_q 'count(count by (dc) (icmpmon_probes_sent_total * on (instance, job, target) group_left (dc) icmpmon_target_info))' 4
until_q 'count(icmpmon:target_info{interface!="", dc=~"dc[0-3]"})' "$N"
until_q 'count(icmpmon:loss_ratio:rate1m{interface!="", dc!=""})' "$N"
until_q 'count(dc_pair:icmpmon_loss_ratio:rate1m{source_dc="dc9", dc=~"dc[0-3]"})' 4
until_q 'count(icmpmon:rtt_seconds:mean1m{dc="dc1"})' $((N / 4))
until_q 'count(icmpmon:group_rtt_seconds:p99_1m)' 4
V=$(q 'max(dc_pair:icmpmon_loss_ratio:rate1m)')
awk -v v="$V" 'BEGIN { exit !(v != "" && v < 0.05) }' || fail "loss per dc pair $V"
V=$(q 'max(scrape_duration_seconds{job="icmpmon"})')
diag "Prometheus: scrape_duration_seconds $V"
kill -TERM "$PID"
bg_wait "$PID" 10
[ "$BG_RC" -eq 0 ] || fail "daemon exit $BG_RC"
pass
