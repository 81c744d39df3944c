#!/usr/bin/env bash
# Prometheus native histograms (issue 15): a real Prometheus with
# --enable-feature=native-histograms scrapes icmpmon, gets the protobuf
# exposition, and stores icmpmon_rtt_seconds as native histograms: their
# count equals the target's replies once they have stopped, and their median is a
# sub-millisecond RTT as on this veth. A plain scrape still gets text.
. "$(dirname "$0")/lib.sh"
topo_up
need prometheus
need curl
need jq

PORT=9374
PROM=127.0.0.1:9390
printf '%s\n' 10.201.0.1 10.201.0.2 > "$TMPD/targets"
bg_p d "$ICMPMON" --daemon --file "$TMPD/targets" -i 0.05 -W 1 --metrics "$PORT"
D_PID=$BG_PID
wait_match "$TMPD/d.err" '^icmpmon: probing 2 targets' 10 || { diag_file "$TMPD/d.err"; fail "no start"; }

# the exporter answers each format as asked
in_p curl -s -m 5 -D "$TMPD/h.txt" -o "$TMPD/m.txt" "http://127.0.0.1:$PORT/metrics"
grep -qi '^content-type: text/plain; version=0.0.4' "$TMPD/h.txt" || { diag_file "$TMPD/h.txt"; fail "no text by default"; }
in_p curl -s -m 5 -D "$TMPD/h.pb" -o "$TMPD/m.pb" -H \
	'Accept: application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3' \
	"http://127.0.0.1:$PORT/metrics"
grep -qi '^content-type: application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited' \
	"$TMPD/h.pb" || { diag_file "$TMPD/h.pb"; fail "no protobuf when asked for it"; }
grep -aq icmpmon_rtt_seconds "$TMPD/m.pb" || fail "the protobuf body lacks icmpmon_rtt_seconds"

cat > "$TMPD/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: icmpmon
    static_configs:
      - targets: ['127.0.0.1:$PORT']
EOC
bg_p prom prometheus --config.file="$TMPD/prometheus.yml" --storage.tsdb.path="$TMPD/tsdb" \
	--web.listen-address="$PROM" --enable-feature=native-histograms
query() { in_p curl -s -m 5 --data-urlencode "query=$1" "http://$PROM/api/v1/query"; }
value() { query "$1" | jq -r '.data.result[0].value[1] // empty' 2>/dev/null; }
got=""
for ((i = 0; i < 60; i++)); do
	got=$(value 'histogram_count(icmpmon_rtt_seconds{target="10.201.0.1"})')
	[ -n "$got" ] && [ "${got%.*}" -gt 20 ] 2>/dev/null && break
	sleep 0.5
done
[ -n "$got" ] || { diag_file "$TMPD/prom.err"; query 'icmpmon_rtt_seconds_count' > "$TMPD/q"; diag_file "$TMPD/q"; \
	fail "Prometheus stored no native histogram for icmpmon_rtt_seconds"; }
# the classic series are not stored beside the native ones
[ "$(query 'icmpmon_rtt_seconds_bucket' | jq '.data.result | length')" = 0 ] || fail "classic buckets stored too"
# count: the native histogram and the replies counter, once replies have stopped
ip -n "$NS_R" route del local 10.201.0.0/16 dev lo
sleep 3
pair=$(query 'histogram_count(icmpmon_rtt_seconds{target="10.201.0.1"}) - on(target) icmpmon_replies_total{target="10.201.0.1"}' |
	jq -r '.data.result[0].value[1] // empty')
[ "$pair" = 0 ] || fail "native count - replies = '$pair'"
p50=$(value 'histogram_quantile(0.5, icmpmon_rtt_seconds{target="10.201.0.1"})')
awk -v q="$p50" 'BEGIN { exit !(q > 0 && q < 0.001) }' || fail "native median '$p50' s is not a veth RTT"
[ "$(value 'up{job="icmpmon"}')" = 1 ] || fail "the scrape is not up"
kill -TERM "$D_PID"
bg_wait "$D_PID" 10
[ "$BG_RC" -eq 0 ] || fail "daemon exit $BG_RC"
pass
