#!/usr/bin/env bash
# --json: every stdout line is one JSON object of a documented type with the
# documented fields (docs/json-schema.md); intervals add up to the summaries,
# reply objects to the received counts; setup errors come as an error object.
. "$(dirname "$0")/lib.sh"
topo_up

A=10.201.0.7
B=10.201.3.4

# Field types per object type: uint (integer >= 0), num, str, bool, ts (RFC 3339
# UTC with microseconds), ms? (a number >= 0 or null), uint? (integer or null), arr.
# Any field not listed is an error too: the schema is closed.
JQ_LIB='
def specs: {
  start: {type:"str", ts:"ts", version:"str", id:"uint", mode:"str", count:"uint", interval_s:"num",
          timeout_s:"num", deadline_s:"num", report_s:"num", size:"uint", tx_stamp:"str", rtt_from:"str",
          interfaces:"arr",
          unresolved:"uint", targets:"arr"},
  reply: {type:"str", ts:"ts", target:"str", addr:"str", seq:"uint", ttl:"uint", bytes:"uint",
          rtt_ms:"ms?", host_tx_queue_ms:"ms?", dup:"bool"},
  icmp_error: {type:"str", ts:"ts", target:"str", addr:"str", seq:"uint", from:"str",
          icmp_type:"uint", icmp_code:"uint", text:"str"},
  timeout: {type:"str", ts:"ts", target:"str", addr:"str", seq:"uint"},
  send_error: {type:"str", ts:"ts", target:"str", addr:"str", errno:"uint", message:"str"},
  interval: {type:"str", ts:"ts", target:"str", addr:"str", start:"ts", end:"ts", final:"bool",
          sent:"uint", received:"uint", duplicates:"uint", icmp_errors:"uint", loss_pct:"num",
          min_ms:"ms?", avg_ms:"ms?", max_ms:"ms?", p50_ms:"ms?", p90_ms:"ms?", p99_ms:"ms?", p999_ms:"ms?"},
  summary: {type:"str", ts:"ts", target:"str", addr:"str", sent:"uint", received:"uint",
          duplicates:"uint", icmp_errors:"uint", send_errors:"uint", timeouts:"uint", loss_pct:"num",
          elapsed_ms:"ms?", min_ms:"ms?", avg_ms:"ms?", max_ms:"ms?", p50_ms:"ms?", p90_ms:"ms?",
          p99_ms:"ms?", p999_ms:"ms?", mdev_ms:"ms?", host_tx_queue_avg_ms:"ms?",
          host_tx_queue_max_ms:"ms?", hist:"arr"},
  end:   {type:"str", ts:"ts", exit_status:"uint", targets:"uint", sent:"uint", received:"uint",
          ringbuf_dropped:"uint?", unmatched:"uint?", bad_cookie:"uint?", table_full:"uint?",
          foreign_errors:"uint?", bad_checksum:"uint?", not_for_host:"uint?", bad_quote:"uint?"},
  error: {type:"str", ts:"ts", message:"str"}
};
def optional: {summary: ["hist"]};
def is($t):
  if $t == "uint" then type == "number" and . >= 0 and . == floor
  elif $t == "uint?" then . == null or (type == "number" and . >= 0 and . == floor)
  elif $t == "num" then type == "number"
  elif $t == "ms?" then . == null or (type == "number" and . >= 0)
  elif $t == "str" then type == "string"
  elif $t == "bool" then type == "boolean"
  elif $t == "arr" then type == "array"
  elif $t == "ts" then type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$")
  else false end;
# One parsed object -> the problems with it, as strings ($specs: specs, $opt: optional).
def problems($specs; $opt):
  . as $o
  | if type != "object" then "not an object: \(tojson)"
    elif (.type | type) != "string" then "no type: \(tojson)"
    elif $specs[.type] == null then "unknown type \(.type): \(tojson)"
    else $specs[$o.type] as $s
      | ( $s | keys[] | . as $k
          | select(($opt[$o.type] // []) | index($k) | not)
          | select($o | has($k) | not)
          | "\($o.type): no field \($k): \($o | tojson)" ),
        ( $o | to_entries[] | .key as $k | .value as $v | $s[$k] as $t
          | if $t == null then "\($o.type): unknown field \($k): \($o | tojson)"
            elif ($v | is($t)) | not then "\($o.type): \($k) is not \($t): \($o | tojson)"
            else empty end )
    end;
'

# check_lines FILE: every line is a valid object; sets WHY.
check_lines() {
	local f=$1
	# each line on its own is one JSON value (nothing may follow the try: jq 1.6
	# would catch later errors in it too)
	WHY=$(jq -R -r '. as $l | try (fromjson | empty) catch "not JSON: \($l)"' "$f" 2>&1 | head -n 5)
	[ -z "$WHY" ] || return 1
	WHY=$(jq -n -r "$JQ_LIB specs as \$s | optional as \$o | inputs | problems(\$s; \$o)" "$f" 2>&1 | head -n 5)
	[ -z "$WHY" ] || return 1
	[ -s "$f" ] || { WHY="no output"; return 1; }
	[ "$(tail -c1 "$f" | od -An -tx1 | tr -d ' ')" = 0a ] || { WHY="the last line has no newline"; return 1; }
}

# check_run FILE COUNT EXIT: the structure and the arithmetic of one run's
# output; prints the problems (empty when all is well).
check_run() {
	jq -s -r --argjson count "$2" --argjson rc "$3" '
	def sum(f): map(f) | add // 0;
	. as $all
	| ($all | map(select(.type == "start"))) as $starts
	| ($all | map(select(.type == "end"))) as $ends
	| if ($all[0].type != "start") then "the first object is \($all[0].type), not start"
	  elif ($all[-1].type != "end") then "the last object is \($all[-1].type), not end"
	  elif ($starts | length) != 1 or ($ends | length) != 1 then "not exactly one start and one end"
	  else
	    $ends[0] as $fin
	    | ($all | map(select(.addr != null)) | group_by(.addr) | map({key: .[0].addr, value: .}) | from_entries) as $by
	    | (if $fin.exit_status != $rc then "end.exit_status \($fin.exit_status), process exit status \($rc)" else empty end),
	      (if ($all | map(select(.type == "summary")) | length) != ($starts[0].targets | length)
	       then "not one summary per target" else empty end),
	      ($starts[0].targets[] | . as $t
	       | ($by[$t.addr] // []) as $mine
	       | ($mine | map(select(.type == "summary"))[0]) as $s
	       | ($mine | map(select(.type == "interval"))) as $iv
	       | ($mine | map(select(.type == "reply"))) as $rp
	       | if $s == null then "\($t.addr): no summary"
	         elif $s.target != $t.target then "\($t.addr): summary target \($s.target), start says \($t.target)"
	         else
	           (if $s.sent != $count then "\($t.addr): sent \($s.sent), expected \($count)" else empty end),
	           (if ($iv | length) > 0 then
	              (if ($iv | sum(.sent)) != $s.sent then "\($t.addr): intervals sent \($iv | sum(.sent)) != summary \($s.sent)" else empty end),
	              (if ($iv | sum(.received)) != $s.received then "\($t.addr): intervals received \($iv | sum(.received)) != summary \($s.received)" else empty end),
	              (if ($iv | sum(.duplicates)) != $s.duplicates then "\($t.addr): intervals duplicates != summary" else empty end),
	              (if ($iv | sum(.icmp_errors)) != $s.icmp_errors then "\($t.addr): intervals icmp_errors != summary" else empty end),
	              (if ($iv | map(select(.final)) | length) != 1 or ($iv[-1].final | not) then "\($t.addr): not exactly one final interval, last" else empty end),
	              (range(1; $iv | length) as $k
	               | if $iv[$k].start != $iv[$k - 1].end then "\($t.addr): interval \($k) starts at \($iv[$k].start), the one before ended at \($iv[$k - 1].end)" else empty end),
	              ($iv[] | select(.start > .end) | "\($t.addr): an interval ends before it starts")
	            else empty end),
	           (if $fin.ringbuf_dropped == 0 then
	              (if ($rp | map(select(.dup | not)) | length) != $s.received
	               then "\($t.addr): \($rp | map(select(.dup | not)) | length) reply objects, summary received \($s.received), nothing dropped" else empty end),
	              (if ($rp | map(select(.dup | not) | .seq) | sort) != ($rp | map(select(.dup | not) | .seq) | unique)
	               then "\($t.addr): a first reply twice for one seq" else empty end)
	            else empty end),
	           (if $s.received > 0 and ($s.min_ms > $s.avg_ms or $s.avg_ms > $s.max_ms) then "\($t.addr): summary not min <= avg <= max" else empty end),
	           (if $s.received > 0 and ($s.p50_ms > $s.p90_ms or $s.p90_ms > $s.p99_ms or $s.p99_ms > $s.p999_ms) then "\($t.addr): summary percentiles not ordered" else empty end),
	           (if $s.received == 0 and ($s.min_ms != null or $s.p50_ms != null) then "\($t.addr): RTT numbers without replies" else empty end),
	           ($rp[] | select(.rtt_ms == null or .ttl != 64 or .bytes != 64) | "\($t.addr): odd reply \(tojson)")
	         end),
	      (if $fin.sent != ($all | sum(select(.type == "summary") | .sent)) then "end.sent is not the sum of the summaries" else empty end),
	      (if $fin.received != ($all | sum(select(.type == "summary") | .received)) then "end.received is not the sum of the summaries" else empty end),
	      (if $fin.targets != ($starts[0].targets | length) then "end.targets differs from start" else empty end)
	  end' "$1" 2>&1
}

# 1. Two answering targets, reports every 0.2 s.
icmpmon_p im --json -c 5 -i 0.1 --report 0.2 "$A" "$B"
f=$TMPD/im.out
[ "$RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/im.err"; fail "icmpmon --json exited $RC, expected 0"; }
[ -s "$TMPD/im.err" ] && { diag_file "$TMPD/im.err"; fail "icmpmon --json wrote to stderr"; }
check_lines "$f" || { diag_file "$f"; fail "$WHY"; }
why=$(check_run "$f" 5 "$RC")
[ -z "$why" ] || { diag_file "$f"; diag "$why"; fail "run 1: $(echo "$why" | head -n1)"; }
why=$(jq -s -r --arg a "$A" --arg b "$B" '
	(.[0] | if .mode != "kernel" or .count != 5 or .interval_s != 0.1 or .report_s != 0.2
	        or (.interfaces | length) != 1 or (.interfaces[0].name | type) != "string"
	        or ([.targets[].addr] != [$a, $b]) then "start object: \(tojson)" else empty end),
	(map(select(.type == "summary"))[] | select(.received != 5 or .loss_pct != 0 or .duplicates != 0)
	 | "summary: \(tojson)"),
	([.[] | select(.type == "interval")] | group_by(.addr)[] | select(length < 2)
	 | "\(.[0].addr): \(length) interval objects, expected a report and a final one at least"),
	([.[] | select(.type == "reply")] | group_by(.addr)[] | select(([.[].seq] | sort) != [1, 2, 3, 4, 5])
	 | "\(.[0].addr): reply seqs \([.[].seq] | sort)"),
	(.[-1] | select(.ringbuf_dropped != 0 or .bad_cookie != 0 or .table_full != 0)
	 | "end: \(tojson)")' "$f")
[ -z "$why" ] || { diag_file "$f"; diag "$why"; fail "run 1: $(echo "$why" | head -n1)"; }

# 2. A silent target: timeouts, 100 % loss, no RTT numbers, exit status 1.
icmpmon_p silent --json -c 3 -i 0.1 -W 0.3 --report 0.2 "$SILENT"
f=$TMPD/silent.out
[ "$RC" -eq 1 ] || { diag_file "$f"; diag_file "$TMPD/silent.err"; fail "icmpmon --json exited $RC for a silent target, expected 1"; }
check_lines "$f" || { diag_file "$f"; fail "$WHY"; }
why=$(check_run "$f" 3 "$RC")
[ -z "$why" ] || { diag_file "$f"; diag "$why"; fail "run 2: $(echo "$why" | head -n1)"; }
why=$(jq -s -r '
	(map(select(.type == "summary"))[0]) as $s
	| [.[] | select(.type == "timeout")] as $to
	| (if $s.received != 0 or $s.loss_pct != 100 or $s.avg_ms != null or $s.mdev_ms != null then "summary: \($s | tojson)" else empty end),
	  (if ($to | length) != $s.timeouts then "\($to | length) timeout objects, summary timeouts \($s.timeouts)" else empty end),
	  (if ($to | length) < 2 then "only \($to | length) timeouts: probes 1 and 2 were over -W 0.3 long before the end" else empty end),
	  (if ([$to[].seq] | unique) != [$to[].seq] or ([$to[].seq] - [1, 2, 3]) != [] then "timeout seqs \([$to[].seq])" else empty end),
	  (map(select(.type == "interval" and .loss_pct != 100 and .sent > 0)) | .[] | "interval: \(tojson)")' "$f")
[ -z "$why" ] || { diag_file "$f"; diag "$why"; fail "run 2: $(echo "$why" | head -n1)"; }

# 3. -q drops the per-probe objects; --hist adds the folded histogram to the summary.
icmpmon_p quiet --json -q --hist -c 4 -i 0.05 "$A"
f=$TMPD/quiet.out
[ "$RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/quiet.err"; fail "icmpmon --json -q exited $RC, expected 0"; }
check_lines "$f" || { diag_file "$f"; fail "$WHY"; }
why=$(jq -s -r '
	([.[].type] | if . != ["start", "summary", "end"] then "types \(.), expected start, summary, end" else empty end),
	(map(select(.type == "summary"))[0] | . as $s
	 | if ($s.hist | map(.count) | add) != $s.received then "hist counts add up to \($s.hist | map(.count) | add), received \($s.received)"
	   elif ($s.hist | map(select(.high_ns != null and .low_ns > .high_ns))) != [] then "hist rows \($s.hist)"
	   elif ([range(1; $s.hist | length) as $k | select($s.hist[$k].low_ns != $s.hist[$k - 1].high_ns + 1)] != []) then "hist rows not contiguous: \($s.hist)"
	   elif ($s.min_ms * 1e6 < $s.hist[0].low_ns or $s.max_ms * 1e6 > $s.hist[-1].high_ns + 1) then "min/max outside the histogram rows"
	   else empty end)' "$f")
[ -z "$why" ] || { diag_file "$f"; diag "$why"; fail "run 3: $(echo "$why" | head -n1)"; }

# 4. A setup error: the usual line on stderr, an error object on stdout, exit status 2.
IM_TIMEOUT=15 icmpmon_p bad --json -c 1 -I nosuchif0 "$A"
f=$TMPD/bad.out
[ "$RC" -eq 2 ] || { diag_file "$f"; diag_file "$TMPD/bad.err"; fail "icmpmon --json -I nosuchif0 exited $RC, expected 2"; }
check_lines "$f" || { diag_file "$f"; fail "$WHY"; }
[ "$(wc -l < "$f")" -eq 1 ] || { diag_file "$f"; fail "more than the error object on stdout"; }
msg=$(jq -r 'select(.type == "error") | .message' "$f")
[ "icmpmon: $msg" = "$(cat "$TMPD/bad.err")" ] || { diag_file "$f"; diag_file "$TMPD/bad.err"; fail "the error object and the stderr line disagree"; }

# 5. ICMP errors: the responder answers 10.203.0.0/16 with "host unreachable"
# (routed to it from the prober only for this test; the responder only sends
# such errors for packets it would forward, and it has no route anywhere else).
UNREACH=10.203.0.5
in_r sysctl -q -w net.ipv4.ip_forward=1 >/dev/null &&
ip -n "$NS_R" route add unreachable 10.203.0.0/16 &&
ip -n "$NS_P" route add 10.203.0.0/16 via "$R_ADDR" dev "$VETH_P" || fail "cannot route 10.203.0.0/16"
icmpmon_p unreach --json -c 3 -i 0.1 -W 1 --report 0.1 "$UNREACH"
f=$TMPD/unreach.out
[ "$RC" -eq 1 ] || { diag_file "$f"; diag_file "$TMPD/unreach.err"; fail "icmpmon --json exited $RC for an unreachable target, expected 1"; }
check_lines "$f" || { diag_file "$f"; fail "$WHY"; }
why=$(check_run "$f" 3 "$RC")
[ -z "$why" ] || { diag_file "$f"; diag "$why"; fail "run 5: $(echo "$why" | head -n1)"; }
why=$(jq -s -r --arg r "$R_ADDR" --arg t "$UNREACH" '
	[.[] | select(.type == "icmp_error")] as $e
	| (map(select(.type == "summary"))[0]) as $s
	| (if ($e | length) != 3 or $s.icmp_errors != 3 or $s.received != 0
	   then "\($e | length) icmp_error objects, summary: \($s | tojson)" else empty end),
	  ($e[] | select(.from != $r or .addr != $t or .icmp_type != 3 or .text == "")
	   | "icmp_error: \(tojson)"),
	  (if ([$e[].seq] | sort) != [1, 2, 3] then "icmp_error seqs \([$e[].seq])" else empty end)' "$f")
[ -z "$why" ] || { diag_file "$f"; diag "$why"; fail "run 5: $(echo "$why" | head -n1)"; }

# 6. Under load, with a ring buffer too small for every reply line: the lines
# the kernel dropped are counted, the intervals still add up to the summaries.
TARGETS=()
for ((x = 1; x <= 4; x++)); do
	for ((y = 1; y <= 250; y++)); do
		TARGETS+=("10.201.$x.$y")
	done
done
IM_TIMEOUT=60 icmpmon_p load --json --ringbuf-kib 4 -c 3 -i 0.05 --report 0.03 "${TARGETS[@]}"
f=$TMPD/load.out
[ "$RC" -eq 0 ] || { diag_file "$TMPD/load.err"; fail "icmpmon --json under load exited $RC, expected 0"; }
check_lines "$f" || { diag "$WHY"; fail "run 6: $(echo "$WHY" | head -n1)"; }
why=$(check_run "$f" 3 "$RC")
[ -z "$why" ] || { diag "$why"; fail "run 6: $(echo "$why" | head -n1)"; }
why=$(jq -s -r '
	(map(select(.type == "reply" and (.dup | not))) | length) as $lines
	| .[-1] as $fin
	| if $fin.received != 3000 then "received \($fin.received) of 3000 (the test network lost replies?)"
	  elif $lines + $fin.ringbuf_dropped != $fin.received then
	    "\($lines) reply objects + \($fin.ringbuf_dropped) dropped != \($fin.received) received"
	  else empty end' "$f")
[ -z "$why" ] || { diag "$why"; fail "run 6: $why"; }
diag "under load: $(jq -s -r '.[-1] | "\(.received) received, \(.ringbuf_dropped) reply objects dropped"' "$f"), $(grep -c '"type":"interval"' "$f") interval objects"
pass
