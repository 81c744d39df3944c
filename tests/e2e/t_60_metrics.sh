#!/usr/bin/env bash
# --metrics: a live scrape passes promtool check metrics, /-/healthy answers OK,
# the counters of a run agree with its ping summary, an explicit address binds
# only there, and a bad --metrics value or a port in use exits 2 with one line
# and nothing attached.
. "$(dirname "$0")/lib.sh"
topo_up

need prometheus promtool
need curl

A=$ANSWERED
PORT=9374
URL=http://127.0.0.1:$PORT

scrape() { in_p curl -s -m 5 "$@"; }

# The first scrape may come before the server listens: icmpmon starts it last in setup.
wait_healthy() {
	local url=$1 i
	for ((i = 0; i < 100; i++)); do
		[ "$(in_p curl -s -m 2 "$url/-/healthy" 2>/dev/null)" = OK ] && return 0
		alive "$BG_PID" || return 1
		sleep 0.1
	done
	return 1
}

value() { # value FILE SERIES-PREFIX: the value of the one sample whose line starts with it
	grep -F -- "$2" "$1" | awk '{print $NF}' | head -n1
}

bg_p im "$ICMPMON" -i 0.1 -W 1 --metrics "$PORT" "$A" "$SILENT"
PID=$BG_PID
wait_healthy "$URL" || { diag_file "$TMPD/im.err"; fail "no /-/healthy OK on $URL"; }
sleep 1
scrape "$URL/metrics" > "$TMPD/m1" || fail "scrape failed"
promtool check metrics < "$TMPD/m1" > "$TMPD/promtool" 2>&1 || { diag_file "$TMPD/promtool"; diag_file "$TMPD/m1"; fail "promtool check metrics rejects the scrape"; }
[ -s "$TMPD/promtool" ] && { diag_file "$TMPD/promtool"; fail "promtool check metrics complains"; }
for fam in icmpmon_probes_sent_total icmpmon_replies_total icmpmon_duplicates_total icmpmon_timeouts_total \
	icmpmon_send_errors_total icmpmon_icmp_errors_total icmpmon_rtt_seconds icmpmon_ringbuf_dropped_total \
	icmpmon_unmatched_replies_total icmpmon_outstanding_probes icmpmon_build_info; do
	grep -q "^# TYPE $fam " "$TMPD/m1" || { diag_file "$TMPD/m1"; fail "no family $fam"; }
done
lbl="target=\"$A\",host=\"$A\",interface=\"$VETH_P\""
grep -q "^icmpmon_replies_total{$lbl} [1-9]" "$TMPD/m1" || { diag_file "$TMPD/m1"; fail "no replies for $A with labels $lbl"; }
grep -q "^icmpmon_rtt_seconds_bucket{$lbl,le=\"+Inf\"} [1-9]" "$TMPD/m1" || fail "no +Inf bucket for $A"
inf=$(value "$TMPD/m1" "icmpmon_rtt_seconds_bucket{$lbl,le=\"+Inf\"}")
cnt=$(value "$TMPD/m1" "icmpmon_rtt_seconds_count{$lbl}")
[ "$inf" = "$cnt" ] || fail "+Inf bucket $inf != _count $cnt"
grep -q "^icmpmon_replies_total{target=\"$SILENT\",.*} 0$" "$TMPD/m1" || fail "replies from the silent target"

# Other paths and methods.
[ "$(scrape -o /dev/null -w '%{http_code}' "$URL/nope")" = 404 ] || fail "/nope is not 404"
[ "$(scrape -o /dev/null -w '%{http_code}' -X POST "$URL/metrics")" = 405 ] || fail "POST /metrics is not 405"
ctype=$(scrape -o /dev/null -w '%{content_type}' "$URL/metrics")
[[ $ctype == text/plain\;\ version=0.0.4* ]] || fail "content type '$ctype'"

kill -INT "$PID"
bg_wait "$PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/im.err"; fail "icmpmon exited $BG_RC after SIGINT, expected 0"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"

# The counters are the run's own output, exactly: the responder drops every
# third request and sends every reply twice (tests/e2e/progs/shaper.bpf.c).
# Probes leave every 1.5 s; as soon as the scrapes show the 5th has left, one
# more scrape (its replies are in within a millisecond) and SIGINT, long
# before a 6th; then the scrape is compared with the reply lines and summary.
shaper_on ingress -DDROP_SEQ_EVERY=3
shaper_on egress -DDUP_REPLIES
bg_p cnt "$ICMPMON" -i 1.5 -W 1 --metrics "$PORT" "$A"
PID=$BG_PID
for ((i = 0; i < 200; i++)); do
	scrape "$URL/metrics" > "$TMPD/m3" 2>/dev/null
	[ "$(value "$TMPD/m3" "icmpmon_probes_sent_total{$lbl}")" = 5 ] && break
	alive "$PID" || break
	sleep 0.05
done
sleep 0.05
scrape "$URL/metrics" > "$TMPD/m3" || { diag_file "$TMPD/cnt.err"; fail "scrape during the counted run failed"; }
kill -INT "$PID"
bg_wait "$PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/cnt.err"; fail "the counted run exited $BG_RC, expected 0"; }
shaper_off ingress
shaper_off egress
read -r transmitted received < <(counts "$TMPD/cnt.out" "$A")
[ "$transmitted" = 5 ] || { diag_file "$TMPD/cnt.out"; fail "the counted run sent $transmitted probes, expected 5 (SIGINT came too late?)"; }
check_counts_values "$TMPD/cnt.out" "$A" 5 || { diag_file "$TMPD/cnt.out"; fail "$WHY"; }
dups=$(grep -cE "^64 bytes from $A: .* \(DUP!\)$" "$TMPD/cnt.out")
[ "$received" = 4 ] && [ "$dups" = 4 ] ||
	{ diag_file "$TMPD/cnt.out"; fail "the counted run: $received received, $dups duplicates; expected 4 and 4 (the set-up?)"; }
for pair in "icmpmon_probes_sent_total $transmitted" "icmpmon_replies_total $received" \
	"icmpmon_duplicates_total $dups" "icmpmon_rtt_seconds_count $received"; do
	set -- $pair
	got=$(value "$TMPD/m3" "$1{$lbl}")
	[ "$got" = "$2" ] || { diag_file "$TMPD/m3"; fail "$1 for $A is '$got', the run's output says $2"; }
done
state=$(attached_state)
[ -z "$state" ] || fail "left attached after the counted run: $state"

# An explicit address: served there, not on 127.0.0.1.
bg_p im2 "$ICMPMON" -q -i 0.2 --metrics "$P_ADDR:$PORT" "$A"
wait_healthy "http://$P_ADDR:$PORT" || { diag_file "$TMPD/im2.err"; fail "nothing on $P_ADDR:$PORT"; }
scrape "$URL/-/healthy" >/dev/null && fail "--metrics $P_ADDR:$PORT also answers on 127.0.0.1"
in_p curl -s -m 5 "http://$P_ADDR:$PORT/metrics" | promtool check metrics >/dev/null 2>&1 || fail "promtool on $P_ADDR"

# The port is taken: exit 2, one line, nothing more attached once the first run ends.
icmpmon_p busy -c 1 --attach tc --metrics "$P_ADDR:$PORT" "$A" # tc: the first run holds XDP
[ "$RC" -eq 2 ] || { diag_file "$TMPD/busy.err"; fail "port in use: exit $RC, expected 2"; }
[ "$(wc -l < "$TMPD/busy.err")" -eq 1 ] && grep -q "^icmpmon: --metrics $P_ADDR:$PORT: cannot listen: Address already in use$" "$TMPD/busy.err" ||
	{ diag_file "$TMPD/busy.err"; fail "port in use: not the one expected line"; }
kill -TERM "$BG_PID"
bg_wait "$BG_PID" 10
state=$(attached_state)
[ -z "$state" ] || fail "left attached after the bind failure: $state"

# Bad values: exit 2, one line, nothing attached.
for bad in 99999 foo:1 1.2.3.4.5:80 127.0.0.1: "" 10.0.0.1:0; do
	icmpmon_p bad -c 1 --metrics "$bad" "$A"
	[ "$RC" -eq 2 ] || fail "--metrics '$bad': exit $RC, expected 2"
	[ "$(wc -l < "$TMPD/bad.err")" -eq 1 ] || { diag_file "$TMPD/bad.err"; fail "--metrics '$bad': not one line"; }
	[ -s "$TMPD/bad.out" ] && fail "--metrics '$bad': stdout not empty"
done
icmpmon_p bad -c 1 --metrics-buckets 0.2,0.1 --metrics 9 "$A"
[ "$RC" -eq 2 ] || fail "--metrics-buckets 0.2,0.1: exit $RC"
# An address this host does not have.
icmpmon_p bad -c 1 --metrics 10.200.0.99:9374 "$A"
[ "$RC" -eq 2 ] && grep -q "cannot listen: Cannot assign requested address" "$TMPD/bad.err" ||
	{ diag_file "$TMPD/bad.err"; fail "a foreign address: exit $RC"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached after bad values: $state"
pass
