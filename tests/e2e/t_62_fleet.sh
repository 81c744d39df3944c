#!/usr/bin/env bash
# A Pingmesh-style fleet (tests/e2e/fleet.sh, docs/fleet.md): K = 4 hosts of
# docs/fleet/inventory in namespaces on one bridge probe each other with icmpmon --daemon --metrics; a
# real Prometheus in its own namespace scrapes them with the recording rules of
# docs/packaging/icmpmon-rules.yml. Through its HTTP API: the K x (K - 1) mean
# RTT matrix, the p99 matrix (histogram_quantile, and the recording rule), and
# the loss matrix; every exporter is up; the labels name the hosts.
. "$(dirname "$0")/lib.sh"
# Four hosts of docs/fleet/inventory keep the suite cheap; make fleet-demo runs 16.
FLEET_K=${FLEET_K:-4}
. "$(dirname "$0")/fleet.sh"

need prometheus
need prometheus promtool
need curl

# The fleet goes first, then lib.sh's own cleanup (with the exit status kept).
trap 'rc=$?; fleet_down; (exit $rc); cleanup' EXIT

K=$FLEET_K
CELLS=$((K * (K - 1)))
fleet_up || fail "fleet: $FLEET_WHY"
fleet_wait_matrix 60 || {
	for q in "$FLEET_Q_AVG" "$FLEET_Q_P99" "$FLEET_Q_P99_RULE" "$FLEET_Q_LOSS"; do
		diag "$q: $(fleet_count "$q") series"
	done
	diag_file "$FLEET_DIR/prometheus.log"
	fail "the matrices did not reach $CELLS cells in 60 s"
}

[ "$(fleet_count 'up{job="icmpmon"} == 1')" = "$K" ] || fail "not all $K exporters are up"

# Every cell once, (source, host) with source != host, names from the hosts files.
check_cells() { # check_cells PROMQL MIN MAX: every value in [MIN, MAX]
	local q=$1 lo=$2 hi=$3 out
	fleet_query "$q" > "$TMPD/q.json"
	out=$(jq -r '.data.result[] | "\(.metric.source) \(.metric.host) \(.metric.target) \(.metric.interface) \(.value[1])"' \
		"$TMPD/q.json" | sort)
	[ "$(echo "$out" | wc -l)" -eq "$CELLS" ] || { diag "$out"; fail "$q: not $CELLS cells"; }
	WHY=$(echo "$out" | awk -v lo="$lo" -v hi="$hi" -v net="$FLEET_NET" '
		{ if ($1 == $2) { print "a host probes itself: " $0; exit }
		  if ($2 !~ /^h[0-9]+$/) { print "host label " $2; exit }
		  if ($3 != net "." substr($2, 2)) { print "target " $3 " is not " $2 "s address"; exit }
		  if ($4 != "fl0") { print "interface " $4; exit }
		  if (seen[$1 " " $2]++) { print "cell twice: " $0; exit }
		  if ($5 == "NaN" || $5 + 0 < lo || $5 + 0 > hi) { print "value out of [" lo ", " hi "]: " $0; exit } }')
	[ -z "$WHY" ] || { diag "$out"; fail "$q: $WHY"; }
}
check_cells "$FLEET_Q_AVG" 0.000001 0.05
check_cells "$FLEET_Q_P99" 0.000001 1
check_cells "$FLEET_Q_P99_RULE" 0.000001 1
check_cells "$FLEET_Q_LOSS" 0 0.2

# A scrape of one exporter, from the Prometheus namespace, is valid exposition.
fleet_curl "http://$FLEET_NET.1:$FLEET_PORT/metrics" | promtool check metrics > "$TMPD/pt" 2>&1 ||
	{ diag_file "$TMPD/pt"; fail "promtool check metrics on h1's exporter"; }
# Nothing but the start line from the daemons.
for ((i = 1; i <= K; i++)); do
	[ -s "$FLEET_DIR/h$i.out" ] && fail "h$i's icmpmon wrote to stdout"
	grep -q "^icmpmon: probing $((K - 1)) targets" "$FLEET_DIR/h$i.err" || { diag_file "$FLEET_DIR/h$i.err"; fail "h$i: no start line"; }
done
fleet_matrix "$FLEET_Q_AVG" 1000 ms | sed "s/^/#   /"
pass
