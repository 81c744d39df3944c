#!/usr/bin/env bash
# Scenario 10: fleet scale on Prometheus (issue 15). One daemon,
#   icmpmon --daemon --file T --period 1 --metrics 10.200.0.1:9374 --metrics-group-by dc
# on BENCH_FLEET_TARGETS (65,536) labelled targets (dc=dc0..dc7, rack=r00..r63)
# answered by the responder namespace's kernel, scraped every 15 s by a real
# Prometheus (Debian's prometheus, text exposition, scrape_timeout 10 s so that
# a slow scrape is measured rather than cut) for BENCH_FLEET_SECONDS (300).
# Then, from Prometheus' API: scrape_duration_seconds (max and median over the
# run), up == 0 count, scrape_samples_scraped, prometheus_tsdb_head_series; from
# the exporter: the text and protobuf /metrics sizes; from /proc: the daemon's
# CPU seconds (total and set-up) and peak RSS (VmHWM); from the daemon's own
# counters: probes sent, replies, timeouts (= missed replies: probes whose
# reply did not come within -W) and probes still in flight.
# Before Prometheus starts, one curl of /metrics times the exporter's first
# scrape; after the run, a fresh Prometheus scrapes the last text body from a
# static file server, which times Prometheus' own part of a first scrape.
# Writes results/data/s10_fleet_scale.tsv (one row) and s10_scrapes.tsv (every
# scrape's duration and samples, from a range query).
. "$(dirname "$0")/lib.sh"

N=${BENCH_FLEET_TARGETS:-65536}
SECS=${BENCH_FLEET_SECONDS:-300}
SCRAPE=${BENCH_FLEET_SCRAPE:-15}
GROUP_BY=${BENCH_FLEET_GROUP_BY:-dc}
PORT=9374
PROM_PORT=9390
STATIC_PORT=9391
OUT=$BENCH_OUT/s10_fleet_scale.tsv
OUT_SCRAPES=$BENCH_OUT/s10_scrapes.tsv

for t in prometheus curl jq python3; do
	command -v "$t" >/dev/null || die "$t is missing (make bench-deps)"
done
[ "$SECS" -ge 30 ] || die "BENCH_FLEET_SECONDS=$SECS: at least 30 (two scrapes)"

LOAD_START=$(awk '{ print $1 }' /proc/loadavg)
bench_topo_up

# Labelled targets: 8 data centres, 64 racks, round robin.
targets_file "$TMPD/plain" "$N"
awk '{ i = NR - 1; printf "%s dc=dc%d rack=r%02d\n", $1, i % 8, i % 64 }' "$TMPD/plain" > "$TMPD/targets"

pcurl() { in_p curl -s -m 30 "$@"; }
# prom_value PROMQL: the first value of an instant query ("" when none).
# Every answer is kept in $TMPD/api.log (copied to the raw results).
prom_value() {
	in_p curl -s -m 60 -G --data-urlencode "query=$1" "http://127.0.0.1:$PROM_PORT/api/v1/query" > "$TMPD/api.json"
	printf '%s\n%s\n' "$1" "$(head -c 2000 "$TMPD/api.json")" >> "$TMPD/api.log"
	jq -r '.data.result[0].value[1] // empty' "$TMPD/api.json" 2>/dev/null
}
# metric_sum NAME: the sum of NAME's samples in the exporter's last text scrape.
metric_sum() {
	awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%.0f\n", s }' "$TMPD/final.txt"
}

name=s10-icmpmon
timed_bg "$name" "$((SECS + 120))" "$ICMPMON" --daemon --file "$TMPD/targets" --period 1 \
	--metrics "$P_ADDR:$PORT" --metrics-group-by "$GROUP_BY"
setup_cpu
log "icmpmon: $N targets, first probe out; set-up CPU ${SETUP_CPU}s"
pid=$(tool_pid) || die "icmpmon is not running: $(head -c 300 "$TMPD/$name.err")"
for ((i = 0; i < 100; i++)); do
	pcurl -f -o /dev/null "http://$P_ADDR:$PORT/-/healthy" && break
	alive "$pid" || die "icmpmon exited: $(head -c 300 "$TMPD/$name.err")"
	sleep 0.2
done

# The exporter's first scrape, by curl, before Prometheus' (the daemon builds
# nothing on a first scrape: it should take what any later one takes).
read -r FIRST_S < <(pcurl -o /dev/null -w '%{time_total}\n' "http://$P_ADDR:$PORT/metrics")
# prom_start NAME TARGET PORT INTERVAL: a Prometheus of its own (config, TSDB,
# log under $TMPD/NAME*) in the prober namespace, scraping TARGET every
# INTERVAL s (timeout 10 s, or INTERVAL when shorter); sets PROM_PID once it
# is ready.
prom_start() {
	local name=$1 target=$2 port=$3 interval=$4 i
	cat > "$TMPD/$name.yml" <<EOC
global:
  scrape_interval: ${interval}s
  scrape_timeout: $((interval < 10 ? interval : 10))s
scrape_configs:
  - job_name: icmpmon
    static_configs:
      - targets: ['$target']
EOC
	timeout -k 5 "$((SECS + 100))" ip netns exec "$NS_P" prometheus --config.file="$TMPD/$name.yml" \
		--storage.tsdb.path="$TMPD/$name.tsdb" --storage.tsdb.retention.time=1h \
		--web.listen-address="127.0.0.1:$port" \
		--web.console.templates="$TMPD" --web.console.libraries="$TMPD" \
		>"$TMPD/$name.log" 2>&1 &
	PROM_PID=$!
	BG_PIDS+=("$PROM_PID")
	for ((i = 0; i < 150; i++)); do
		pcurl -f -o /dev/null "http://127.0.0.1:$port/-/ready" && return 0
		alive "$PROM_PID" || die "prometheus exited: $(tail -n 5 "$TMPD/$name.log")"
		sleep 0.2
	done
	die "prometheus is not ready: $(tail -n 5 "$TMPD/$name.log")"
}
prom_start prometheus "$P_ADDR:$PORT" "$PROM_PORT" "$SCRAPE"
T0=$(date +%s)
SENT0=$(snmp_icmp "$NS_P" OutEchos)
log "prometheus scrapes every ${SCRAPE}s for ${SECS}s (load average at start: $LOAD_START)"

# One probe of the CPU and RSS per minute, so a slow growth shows in the log.
for ((i = 0; i < SECS / 60 + 1; i++)); do
	left=$((T0 + SECS - $(date +%s)))
	[ "$left" -gt 0 ] || break
	sleep $((left < 60 ? left : 60))
	alive "$pid" || die "icmpmon exited during the run: $(head -c 300 "$TMPD/$name.err")"
	log "t+$(($(date +%s) - T0))s: icmpmon CPU $(cpu_s "$pid")s, $(awk '/^VmHWM/ { print $2 " " $3 }' "/proc/$pid/status")"
done
DUR=$(($(date +%s) - T0))
# The send rate the daemon achieved during the scraped window, from the
# namespace's IcmpOutEchos (planned: one probe per target per second).
SEND_RATE=$(awk -v a="$SENT0" -v b="$(snmp_icmp "$NS_P" OutEchos)" -v d="$DUR" 'BEGIN { printf "%.0f\n", (b - a) / d }')

# The exporter as a scraper sees it now: text (what this Prometheus reads) and protobuf.
read -r TEXT_BYTES TEXT_S < <(pcurl -o "$TMPD/final.txt" -w '%{size_download} %{time_total}\n' "http://$P_ADDR:$PORT/metrics")
read -r PB_BYTES PB_S < <(pcurl -o /dev/null -w '%{size_download} %{time_total}\n' -H \
	'Accept: application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited' \
	"http://$P_ADDR:$PORT/metrics")
TEXT_LINES=$(grep -vc '^#' "$TMPD/final.txt")
SENT=$(metric_sum icmpmon_probes_sent_total)
REPLIES=$(metric_sum icmpmon_replies_total)
TIMEOUTS=$(metric_sum icmpmon_timeouts_total)
OUTSTANDING=$(metric_sum icmpmon_outstanding_probes)
UNTRACKED=$(metric_sum icmpmon_probes_untracked_total)
GROUP_N=$(grep -c '^icmpmon_group_rtt_seconds_count' "$TMPD/final.txt")
CPU_S=$(cpu_s "$pid")
HWM_KIB=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
PROM_CPU_S=$(cpu_s "$(cat "/proc/$PROM_PID/task/$PROM_PID/children" 2>/dev/null | awk '{ print $1 }')" 2>/dev/null)

# The window reaches back before the first scrape (a slow one lands late).
W="$((DUR + 60))s"
SD_MAX=$(prom_value "max_over_time(scrape_duration_seconds{job=\"icmpmon\"}[$W])")
SD_MED=$(prom_value "quantile_over_time(0.5, scrape_duration_seconds{job=\"icmpmon\"}[$W])")
SCRAPES=$(prom_value "count_over_time(up{job=\"icmpmon\"}[$W])")
UP_SUM=$(prom_value "sum_over_time(up{job=\"icmpmon\"}[$W])")
FAILS=$(awk -v a="$SCRAPES" -v b="$UP_SUM" 'BEGIN { if (a == "") print "NA"; else printf "%d\n", a - b }')
SAMPLES=$(prom_value "max_over_time(scrape_samples_scraped{job=\"icmpmon\"}[$W])")
HEAD_SERIES=$(pcurl "http://127.0.0.1:$PROM_PORT/metrics" | awk '$1 == "prometheus_tsdb_head_series" { print $2 }')
pcurl -G --data-urlencode "query=scrape_duration_seconds{job=\"icmpmon\"}[$W]" "http://127.0.0.1:$PROM_PORT/api/v1/query" |
	jq -r '.data.result[0].values[]? | "\(.[0])\t\(.[1])"' > "$TMPD/durations"
pcurl -G --data-urlencode "query=scrape_samples_scraped{job=\"icmpmon\"}[$W]" "http://127.0.0.1:$PROM_PORT/api/v1/query" |
	jq -r '.data.result[0].values[]? | "\(.[0])\t\(.[1])"' > "$TMPD/samples"
{
	printf 'time_s\tduration_s\tsamples\n'
	join -t $'\t' <(sort "$TMPD/durations") <(sort "$TMPD/samples") | sort -n |
		awk -F'\t' 'NR == 1 { t0 = $1 } { printf "%.0f\t%s\t%s\n", $1 - t0, $2, $3 }'
} > "$OUT_SCRAPES"

cp "$TMPD/api.log" "$BENCH_RAW/s10-api.log" 2>/dev/null
stop_pid "$PROM_PID"
# Prometheus' part of a first scrape, while the daemon still probes (the same
# load on the machine): a fresh Prometheus scrapes the daemon's last text body
# served as a file by python3's static server on loopback (a 16 MB read that
# takes a few ms): what its first and second scrapes take there is Prometheus'
# own parse and append, the first creating every series.
mkdir -p "$TMPD/www"
cp "$TMPD/final.txt" "$TMPD/www/metrics"
in_p python3 -m http.server --bind 127.0.0.1 --directory "$TMPD/www" "$STATIC_PORT" >"$TMPD/static.log" 2>&1 &
STATIC_PID=$!
BG_PIDS+=("$STATIC_PID")
for ((i = 0; i < 50; i++)); do
	pcurl -f -o /dev/null "http://127.0.0.1:$STATIC_PORT/metrics" && break
	sleep 0.2
done
STATIC_CURL_S=$(pcurl -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$STATIC_PORT/metrics")
prom_start static "127.0.0.1:$STATIC_PORT" "$PROM_PORT" 5
for ((i = 0; i < 60; i++)); do
	[ "$(prom_value 'count_over_time(up{job="icmpmon"}[5m])')" -ge 2 ] 2>/dev/null && break
	sleep 1
done
pcurl -G --data-urlencode 'query=scrape_duration_seconds{job="icmpmon"}[5m]' "http://127.0.0.1:$PROM_PORT/api/v1/query" |
	jq -r '.data.result[0].values[]?[1]' > "$TMPD/static_durations"
STATIC_FIRST_S=$(sed -n 1p "$TMPD/static_durations")
STATIC_NEXT_S=$(sed -n 2p "$TMPD/static_durations")
stop_pid "$PROM_PID"
stop_pid "$STATIC_PID"
kill -TERM "$pid" 2>/dev/null
timed_done "$name"
cp "$TMPD/prometheus.log" "$BENCH_RAW/s10-prometheus.log" 2>/dev/null

keep "$name"
LOAD_END=$(awk '{ print $1 }' /proc/loadavg)

# missed: probes that timed out (no reply within -W); in flight: sent - replies -
# timeouts (the exporter reads a target's sent and replies at slightly
# different moments, so a busy run can show a small negative figure).
INFLIGHT=$((SENT - REPLIES - TIMEOUTS))
printf 'targets\tgroup_by\tgroups\tseconds\tscrape_interval_s\tscrapes\tscrape_failures\tscrape_max_s\tscrape_median_s\tsamples_scraped\thead_series\ttext_bytes\ttext_lines\ttext_curl_s\tpb_bytes\tpb_curl_s\tcpu_s\tsetup_cpu_s\tvmhwm_kib\tmaxrss_kib\tsent\treplies\ttimeouts\tinflight\toutstanding\tuntracked\tprom_cpu_s\tload_start\tload_end\trc\tdate\tversion\tsend_rate\tfirst_curl_s\tstatic_curl_s\tstatic_first_s\tstatic_next_s\n' > "$OUT"
tsv "$OUT" "$N" "$GROUP_BY" "$GROUP_N" "$DUR" "$SCRAPE" "${SCRAPES:-NA}" "$FAILS" "${SD_MAX:-NA}" "${SD_MED:-NA}" \
	"${SAMPLES:-NA}" "${HEAD_SERIES:-NA}" "$TEXT_BYTES" "$TEXT_LINES" "$TEXT_S" "$PB_BYTES" "$PB_S" "$CPU_S" "$SETUP_CPU" \
	"$HWM_KIB" "$(time_field "$name" 3)" "$SENT" "$REPLIES" "$TIMEOUTS" "$INFLIGHT" "$OUTSTANDING" "$UNTRACKED" \
	"${PROM_CPU_S:-NA}" "$LOAD_START" "$LOAD_END" "$RC" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
	"$("$ICMPMON" --version 2>/dev/null | head -n 1), prometheus $(dpkg-query -W -f='${Version}' prometheus 2>/dev/null)" "$SEND_RATE" \
	"${FIRST_S:-NA}" "${STATIC_CURL_S:-NA}" "${STATIC_FIRST_S:-NA}" "${STATIC_NEXT_S:-NA}"
log "text /metrics $TEXT_BYTES B ($TEXT_LINES samples), protobuf $PB_BYTES B; scrape max ${SD_MAX}s median ${SD_MED}s;" \
	"$SCRAPES scrapes, $FAILS failed; $SAMPLES samples, $HEAD_SERIES head series"
log "send rate $SEND_RATE/s (planned $N/s); icmpmon CPU ${CPU_S}s (set-up $SETUP_CPU s), VmHWM $HWM_KIB KiB; sent $SENT replies $REPLIES timeouts $TIMEOUTS in flight $INFLIGHT; exit $RC"
