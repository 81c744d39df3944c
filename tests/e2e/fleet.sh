#!/usr/bin/env bash
# A Pingmesh-style fleet on one machine (docs/fleet.md): the first K hosts of
# docs/fleet/inventory (name, address, dc, rack), each a network namespace on
# one bridge, each running `icmpmon --daemon` against all the others (a
# labelled targets file generated from the inventory) with its exporter on its
# own address, and a real Prometheus in one more namespace scraping them all,
# with the recording rules of docs/packaging/icmpmon-rules.yml.
#
#   tests/e2e/fleet.sh demo        make fleet-demo: bring it up, print the matrices, tear down
#   . tests/e2e/fleet.sh            from a test (t_62_fleet.sh): the fleet_* functions
#
# Network safety: the bridge lives in a "switch" namespace of its own; the
# hosts and Prometheus have one veth each into it, addresses in 10.210.0.0/24
# and no default route, so every packet stays between namespaces made here.
# Everything is bounded in time, and fleet_down (run from a trap) kills what
# was started and deletes the namespaces, also after a failure.

FLEET_K=${FLEET_K:-16}
FLEET_NET=10.210.0
FLEET_PROM_ADDR=$FLEET_NET.100
FLEET_PORT=9374
FLEET_PROM_PORT=9090
FLEET_INTERVAL=${FLEET_INTERVAL:-0.2}
FLEET_TAG=$$
FLEET_SW=imf-sw-$FLEET_TAG
FLEET_PROM=imf-pm-$FLEET_TAG
FLEET_DIR=""
FLEET_WHY=""
FLEET_NS=()
FLEET_PIDS=()
FLEET_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/netns.sh
. "$FLEET_REPO/tests/lib/netns.sh"
: "${ICMPMON:=$FLEET_REPO/build/icmpmon}"
: "${FLEET_INVENTORY:=$FLEET_REPO/docs/fleet/inventory}"
FLEET_NAME=() FLEET_ADDR=() FLEET_DC=() FLEET_RACK=() # 1-based: host i

# Reads the first FLEET_K hosts of the inventory; every address must be
# FLEET_NET.1-99 (the namespaces' own /24, nothing else is ever probed).
fleet_inventory() {
	local name addr dc rack n=0
	[ -r "$FLEET_INVENTORY" ] || { FLEET_WHY="cannot read $FLEET_INVENTORY"; return 1; }
	while read -r name addr dc rack _; do
		case $name in '' | '#'*) continue ;; esac
		[ "$n" -lt "$FLEET_K" ] || break
		[[ $addr =~ ^${FLEET_NET//./\\.}\.([1-9]|[1-9][0-9])$ ]] ||
			{ FLEET_WHY="inventory: $name's address $addr is not in $FLEET_NET.1-99"; return 1; }
		[ -n "$rack" ] || { FLEET_WHY="inventory: $name needs a name, an address, a dc and a rack"; return 1; }
		n=$((n + 1))
		FLEET_NAME[n]=$name FLEET_ADDR[n]=$addr FLEET_DC[n]=$dc FLEET_RACK[n]=$rack
	done < "$FLEET_INVENTORY"
	[ "$n" -eq "$FLEET_K" ] || { FLEET_WHY="FLEET_K=$FLEET_K but $FLEET_INVENTORY lists $n hosts"; return 1; }
}

fleet_host_ns() { echo "imf-h$1-$FLEET_TAG"; }

fleet_log() { printf '# fleet: %s\n' "$*"; }

fleet_down() {
	stop_pids 30 -- "${FLEET_PIDS[@]}"
	FLEET_PIDS=()
	# Only what this script started runs in its namespaces.
	ns_delete "${FLEET_NS[@]}"
	FLEET_NS=()
	[ -n "$FLEET_DIR" ] && rm -rf "$FLEET_DIR"
	FLEET_DIR=""
}

fleet_ns_add() {
	local j
	FLEET_NS+=("$1")
	# Names resolve from the hosts file below only, never through a real resolver.
	ns_create "$1" || return 1
	{
		echo "127.0.0.1 localhost"
		for ((j = 1; j <= FLEET_K; j++)); do echo "${FLEET_ADDR[j]} ${FLEET_NAME[j]}"; done
		echo "$FLEET_PROM_ADDR prometheus"
	} > "/etc/netns/$1/hosts"
}

# fleet_port NS ADDR INDEX: a veth from NS (as fl0, with ADDR/24) to the switch (as fp<INDEX>).
fleet_port() {
	local ns=$1 addr=$2 idx=$3
	ip link add fl0 netns "$ns" type veth peer name "fp$idx" netns "$FLEET_SW" &&
	ip -n "$FLEET_SW" link set "fp$idx" master br0 &&
	ip -n "$FLEET_SW" link set "fp$idx" up &&
	ip -n "$ns" addr add "$addr/24" dev fl0 &&
	ip -n "$ns" link set fl0 up
}

# fleet_wait SECONDS CMD...: until CMD succeeds, at most SECONDS.
fleet_wait() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 5; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

fleet_curl() { ip netns exec "$FLEET_PROM" curl -s -m 5 "$@"; }

# fleet_query PROMQL: the API's JSON answer (instant query).
fleet_query() {
	fleet_curl -G --data-urlencode "query=$1" "http://$FLEET_PROM_ADDR:$FLEET_PROM_PORT/api/v1/query"
}

# fleet_count PROMQL: how many series the query returns (-1 on an error).
fleet_count() {
	fleet_query "$1" | jq -r 'if .status == "success" then (.data.result | length) else -1 end' 2>/dev/null || echo -1
}

fleet_config() {
	local i
	cp "$FLEET_REPO/docs/packaging/icmpmon-rules.yml" "$FLEET_DIR/rules.yml"
	{
		echo "global:"
		echo "  scrape_interval: 1s"
		echo "  scrape_timeout: 1s"
		echo "  evaluation_interval: 1s"
		echo "rule_files:"
		echo "  - $FLEET_DIR/rules.yml"
		echo "scrape_configs:"
		echo "  - job_name: icmpmon"
		echo "    static_configs:"
		for ((i = 1; i <= FLEET_K; i++)); do
			echo "      - targets: ['${FLEET_ADDR[i]}:$FLEET_PORT']"
			echo "        labels: {source: ${FLEET_NAME[i]}, source_dc: ${FLEET_DC[i]}, source_rack: ${FLEET_RACK[i]}}"
		done
	} > "$FLEET_DIR/prometheus.yml"
}

# Brings the fleet up; returns non-zero with the reason in FLEET_WHY on failure.
fleet_up() {
	local i j ns
	for tool in prometheus promtool curl jq; do
		command -v "$tool" >/dev/null || { FLEET_WHY="$tool is missing (make deps)"; return 1; }
	done
	[ -x "$ICMPMON" ] || { FLEET_WHY="ICMPMON=$ICMPMON is not executable (make)"; return 1; }
	fleet_inventory || return 1
	FLEET_DIR=$(mktemp -d /tmp/icmpmon-fleet.XXXXXX)
	ip netns add "$FLEET_SW" || { FLEET_WHY="cannot create $FLEET_SW"; return 1; }
	FLEET_NS+=("$FLEET_SW")
	ip -n "$FLEET_SW" link add br0 type bridge &&
	ip -n "$FLEET_SW" link set br0 up || { FLEET_WHY="cannot create the bridge"; return 1; }
	for ((i = 1; i <= FLEET_K; i++)); do
		ns=$(fleet_host_ns "$i")
		fleet_ns_add "$ns" && fleet_port "$ns" "${FLEET_ADDR[i]}" "$i" || { FLEET_WHY="cannot set up host ${FLEET_NAME[i]}"; return 1; }
		ip netns exec "$ns" sysctl -q -w net.ipv4.icmp_ratelimit=0 >/dev/null
		if ip -n "$ns" route show default | grep -q .; then
			FLEET_WHY="${FLEET_NAME[i]} has a default route"; return 1
		fi
	done
	fleet_ns_add "$FLEET_PROM" && fleet_port "$FLEET_PROM" "$FLEET_PROM_ADDR" 0 ||
		{ FLEET_WHY="cannot set up the Prometheus namespace"; return 1; }
	# Settle ARP on the bridge before anything is timed.
	for ((i = 2; i <= FLEET_K; i++)); do
		timeout 10 ip netns exec "$(fleet_host_ns 1)" ping -c 1 -W 2 -q "${FLEET_ADDR[i]}" >/dev/null ||
			{ FLEET_WHY="${FLEET_NAME[1]} cannot reach ${FLEET_NAME[i]}"; return 1; }
	done
	for ((i = 1; i <= FLEET_K; i++)); do
		ns=$(fleet_host_ns "$i")
		# Labels from the inventory: per-target histograms kept (a few targets),
		# and one histogram per (dc, rack) of the targets beside them.
		{
			echo "# targets of ${FLEET_NAME[i]} (generated from $FLEET_INVENTORY): every other host"
			for ((j = 1; j <= FLEET_K; j++)); do
				[ "$j" -ne "$i" ] && echo "${FLEET_NAME[j]} dc=${FLEET_DC[j]} rack=${FLEET_RACK[j]}"
			done
		} > "$FLEET_DIR/h$i.targets"
		ip netns exec "$ns" "$ICMPMON" --daemon --file "$FLEET_DIR/h$i.targets" -i "$FLEET_INTERVAL" -W 2 \
			--metrics-group-by dc,rack --metrics-target-histograms always \
			--metrics "${FLEET_ADDR[i]}:$FLEET_PORT" >"$FLEET_DIR/h$i.out" 2>"$FLEET_DIR/h$i.err" &
		FLEET_PIDS+=("$!")
	done
	fleet_config
	promtool check config "$FLEET_DIR/prometheus.yml" >"$FLEET_DIR/promtool.out" 2>&1 ||
		{ cat "$FLEET_DIR/promtool.out"; FLEET_WHY="promtool rejects the generated config"; return 1; }
	ip netns exec "$FLEET_PROM" prometheus --config.file="$FLEET_DIR/prometheus.yml" \
		--storage.tsdb.path="$FLEET_DIR/tsdb" --storage.tsdb.retention.time=1h \
		--web.listen-address="$FLEET_PROM_ADDR:$FLEET_PROM_PORT" \
		--web.console.templates="$FLEET_DIR" --web.console.libraries="$FLEET_DIR" \
		>"$FLEET_DIR/prometheus.log" 2>&1 &
	FLEET_PIDS+=("$!")
	for ((i = 1; i <= FLEET_K; i++)); do
		fleet_wait 30 fleet_curl -f "http://${FLEET_ADDR[i]}:$FLEET_PORT/-/healthy" ||
			{ cat "$FLEET_DIR/h$i.err"; FLEET_WHY="${FLEET_NAME[i]}'s exporter does not answer"; return 1; }
	done
	fleet_wait 30 fleet_curl -f "http://$FLEET_PROM_ADDR:$FLEET_PROM_PORT/-/ready" ||
		{ tail -n 20 "$FLEET_DIR/prometheus.log"; FLEET_WHY="Prometheus is not ready"; return 1; }
	return 0
}

FLEET_Q_AVG='icmpmon_rtt_seconds_sum / icmpmon_rtt_seconds_count'
FLEET_Q_P99='histogram_quantile(0.99, rate(icmpmon_rtt_seconds_bucket[15s]))'
FLEET_Q_P99_RULE='icmpmon:rtt_seconds:p99_1m'
FLEET_Q_LOSS='icmpmon:loss_ratio:rate1m'
FLEET_Q_DC_P99='dc_pair:icmpmon_rtt_seconds:p99_1m'
FLEET_Q_DC_LOSS='dc_pair:icmpmon_loss_ratio:rate1m'
FLEET_Q_LOST='icmpmon:lost_probes:increase5m > 0'

# Waits until every query has all K x (K - 1) cells (at most SECONDS).
fleet_wait_matrix() {
	local secs=$1 want=$((FLEET_K * (FLEET_K - 1))) i q ok
	for ((i = 0; i < secs; i++)); do
		ok=1
		for q in "$FLEET_Q_AVG" "$FLEET_Q_P99" "$FLEET_Q_P99_RULE" "$FLEET_Q_LOSS"; do
			[ "$(fleet_count "$q")" = "$want" ] || { ok=0; break; }
		done
		[ "$ok" = 1 ] && return 0
		sleep 1
	done
	return 1
}

# fleet_matrix PROMQL SCALE UNIT [ROW COLUMN NAME...]: a table of the query's
# values times SCALE, rows = label ROW (default source), columns = label COLUMN
# (default host), both in the order of the NAMEs (default: the hosts; then the
# diagonal, a host probing itself, is "-").
fleet_matrix() {
	local q=$1 scale=$2 unit=$3 row=${4:-source} col=${5:-host} diag=0
	local names=("${@:6}")
	if [ ${#names[@]} -eq 0 ]; then
		names=("${FLEET_NAME[@]:1}")
		diag=1
	fi
	fleet_query "$q" | jq -r --arg r "$row" --arg c "$col" '.data.result[] | "\(.metric[$r]) \(.metric[$c]) \(.value[1])"' |
		awk -v names="${names[*]}" -v scale="$scale" -v unit="$unit" -v diag="$diag" '
		{ v[$1, $2] = $3 }
		END {
			k = split(names, n, " ")
			w = (k > 8) ? 7 : 10
			printf "%-8s", "(" unit ")"
			for (j = 1; j <= k; j++) printf "%" w "s", n[j]
			printf "\n"
			for (i = 1; i <= k; i++) {
				printf "%-8s", n[i]
				for (j = 1; j <= k; j++) {
					c = v[n[i], n[j]]
					if (diag && i == j) printf "%" w "s", "-"
					else if (c == "" || c == "NaN") printf "%" w "s", "?"
					else printf "%" w "." (w > 7 ? 3 : 2) "f", c * scale
				}
				printf "\n"
			}
		}'
}

# fleet_list PROMQL: "source -> host: value" per series, sorted.
fleet_list() {
	fleet_query "$1" | jq -r '.data.result[] | "\(.metric.source) -> \(.metric.host) (\(.metric.source_dc) -> \(.metric.dc)): \(.value[1] | tonumber | round) probes"' |
		sort -V
}

fleet_demo() {
	local dcs outage=${FLEET_OUTAGE:-6} last i n
	trap 'fleet_down' EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	[ "$(id -u)" -eq 0 ] || { echo "fleet-demo needs root (network namespaces, BPF)"; exit 1; }
	fleet_log "$FLEET_K hosts of $FLEET_INVENTORY ($FLEET_NET.0/24) on a bridge in namespace $FLEET_SW;" \
		"Prometheus on $FLEET_PROM_ADDR:$FLEET_PROM_PORT in $FLEET_PROM"
	fleet_up || { echo "fleet-demo: FAILED: $FLEET_WHY"; exit 1; }
	fleet_log "every host probes the $((FLEET_K - 1)) others every ${FLEET_INTERVAL}s; waiting for the matrices..."
	fleet_wait_matrix 90 || { echo "fleet-demo: the matrices did not fill in 90 s"; exit 1; }
	sleep "${FLEET_SETTLE:-3}"
	read -ra dcs <<<"$(printf '%s\n' "${FLEET_DC[@]:1}" | awk '!s[$0]++' | tr '\n' ' ')"
	echo
	echo "mean RTT, $FLEET_Q_AVG"
	fleet_matrix "$FLEET_Q_AVG" 1000 ms
	echo
	echo "p99 RTT, $FLEET_Q_P99_RULE (recording rule)"
	fleet_matrix "$FLEET_Q_P99_RULE" 1000 ms
	echo
	echo "p99 RTT per data-centre pair (prober's dc -> target's dc), $FLEET_Q_DC_P99 (recording rule)"
	fleet_matrix "$FLEET_Q_DC_P99" 1000 ms source_dc dc "${dcs[@]}"
	echo
	echo "loss, $FLEET_Q_LOSS (recording rule)"
	fleet_matrix "$FLEET_Q_LOSS" 100 %
	echo
	if [ "$outage" -gt 0 ]; then
		last=${FLEET_NAME[FLEET_K]}
		fleet_log "$last stops answering echo requests for ${outage}s (net.ipv4.icmp_echo_ignore_all=1 in its namespace)"
		ip netns exec "$(fleet_host_ns "$FLEET_K")" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1 >/dev/null
		sleep "$outage"
		ip netns exec "$(fleet_host_ns "$FLEET_K")" sysctl -q -w net.ipv4.icmp_echo_ignore_all=0 >/dev/null
		# Probes time out after -W 2; then a scrape and a rule evaluation.
		for ((i = 0; i < 30; i++)); do
			n=$(fleet_count "$FLEET_Q_LOST")
			[ "$n" -ge $((FLEET_K - 1)) ] 2>/dev/null && break
			sleep 1
		done
		# The last timeouts of the outage: -W, a sweep, a scrape, an evaluation.
		sleep 5
		echo "pairs that lost probes in the last 5 minutes, $FLEET_Q_LOST (recording rule):"
		fleet_list "$FLEET_Q_LOST" | sed 's/^/  /'
		echo
		echo "loss per data-centre pair, $FLEET_Q_DC_LOSS (recording rule)"
		fleet_matrix "$FLEET_Q_DC_LOSS" 100 % source_dc dc "${dcs[@]}"
		echo
	fi
	if [ "${FLEET_HOLD:-0}" -gt 0 ]; then
		fleet_log "holding for ${FLEET_HOLD}s: ip netns exec $FLEET_PROM curl -s 'http://$FLEET_PROM_ADDR:$FLEET_PROM_PORT/api/v1/query?query=up'"
		sleep "$FLEET_HOLD"
	fi
	echo "fleet-demo: ok"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case "${1:-}" in
	demo) fleet_demo ;;
	*) echo "usage: $0 demo   (or source it)"; exit 2 ;;
	esac
fi
