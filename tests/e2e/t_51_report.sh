#!/usr/bin/env bash
# --report and --hist in ping's text: interval lines of a fixed format that add
# up to the statistics block, a bcc-style histogram after each block, and
# around them exactly what ping prints.
. "$(dirname "$0")/lib.sh"
topo_up

A=10.201.0.7
B=10.201.3.4
N=5
F='[0-9]+\.[0-9]{3}'
RE_LINE="^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z\] [^ ]+: sent [0-9]+ recv [0-9]+ loss [0-9.]+% dup [0-9]+ rtt min/avg/max ($F/$F/$F|-/-/-) ms p50/p90/p99/p99\.9 ($F/$F/$F/$F|-/-/-/-) ms$"
RE_HIST_HEAD='^       usecs                 : count    distribution$'
RE_HIST_ROW='^ *[0-9]+\.[0-9]{3} -> ([0-9]+\.[0-9]{3}|inf) *: [0-9]+ +\|[* ]{40}\|$'

# 1. One target: strip the report lines and the histogram, and what is left is ping's output.
icmpmon_p one -c "$N" -i 0.1 --report 0.2 --hist "$A"
f=$TMPD/one.out
[ "$RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/one.err"; fail "icmpmon exited $RC, expected 0"; }
[ -s "$TMPD/one.err" ] && { diag_file "$TMPD/one.err"; fail "icmpmon wrote to stderr"; }
bad=$(grep -E '^\[' "$f" | grep -Ev "$RE_LINE")
[ -z "$bad" ] || { diag_file "$f"; fail "a report line of an unexpected form: '$bad'"; }
[ "$(grep -cE "$RE_LINE" "$f")" -ge 2 ] || { diag_file "$f"; fail "fewer than 2 report lines (one every 0.2 s and the last, partial one)"; }
grep -Eq "$RE_HIST_HEAD" "$f" || { diag_file "$f"; fail "no histogram header"; }
# the histogram follows the statistics block, nothing follows the histogram
tail -n +"$(grep -nE "$RE_HIST_HEAD" "$f" | cut -d: -f1)" "$f" | tail -n +2 | grep -Ev "$RE_HIST_ROW" |
	grep -q . && { diag_file "$f"; fail "something other than rows after the histogram header"; }
grep -Ev "$RE_LINE|$RE_HIST_HEAD|$RE_HIST_ROW" "$f" > "$TMPD/stripped"
check_ping_output "$TMPD/stripped" "$A" "$N" || { diag_file "$f"; fail "without the report lines and the histogram: $WHY"; }
rows=$(grep -E "$RE_HIST_ROW" "$f" | sed -E 's/.*: ([0-9]+) +\|.*/\1/' | awk '{ s += $1 } END { print s + 0 }')
[ "$rows" -eq "$N" ] || { diag_file "$f"; fail "the histogram counts $rows replies, expected $N"; }
# the rows bracket the RTTs: the first row's low bound <= min, max <= the last row's high bound
# (the printed min/max are truncated to whole microseconds, so they may sit up to 1 us below)
lo=$(grep -E "$RE_HIST_ROW" "$f" | head -n1 | awk '{ print $1 }')
hi=$(grep -E "$RE_HIST_ROW" "$f" | tail -n1 | awk '{ print $3 }')
rtt=$(grep -E '^rtt min/avg/max/mdev' "$f" | sed -E 's#.* = ([0-9.]+)/[0-9.]+/([0-9.]+)/.*#\1 \2#')
awk -v lo="$lo" -v hi="$hi" -v r="$rtt" 'BEGIN { split(r, a, " "); exit !(lo / 1000 < a[1] + 0.001 && (hi == "inf" || a[2] <= hi / 1000)) }' ||
	{ diag_file "$f"; fail "histogram rows $lo..$hi us do not bracket rtt min/max $rtt ms"; }

# 2. Two targets: per target, the interval lines add up to the statistics block.
icmpmon_p two -c "$N" -i 0.1 --report 0.15 "$A" "$B"
f=$TMPD/two.out
[ "$RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/two.err"; fail "icmpmon exited $RC, expected 0"; }
grep -q 'usecs' "$f" && { diag_file "$f"; fail "a histogram without --hist"; }
for t in "$A" "$B"; do
	re=${t//./\\.}
	sums=$(grep -E "^\[[^]]+\] $re: " "$f" | awk '{ s += $4; r += $6; d += $10 } END { print s + 0, r + 0, d + 0, NR }')
	read -r s r d nl <<<"$sums"
	counts=$(grep -A1 -- "^--- $re ping statistics ---$" "$f" | sed -n 2p)
	cs=$(echo "$counts" | sed -E 's/^([0-9]+) packets transmitted, ([0-9]+) received.*/\1 \2/')
	[ "$s $r" = "$cs" ] || { diag_file "$f"; fail "$t: report lines add up to sent $s recv $r, the statistics say '$counts'"; }
	[ "$s" -eq "$N" ] && [ "$d" -eq 0 ] && [ "$nl" -ge 2 ] || { diag_file "$f"; fail "$t: $nl report lines, sent $s dup $d"; }
done

# 3. Without --report and --hist nothing changes: ping's output as before.
icmpmon_p plain -c 3 -i 0.1 "$A"
check_ping_output "$TMPD/plain.out" "$A" 3 || { diag_file "$TMPD/plain.out"; fail "plain run: $WHY"; }
pass
