#!/usr/bin/env bash
# Two targets: a header and a statistics block each, each with its own seqs 1..N.
. "$(dirname "$0")/lib.sh"
topo_up

A=10.201.0.7
B=10.201.3.4
N=4
icmpmon_p im -c "$N" -i 0.2 "$A" "$B"
f=$TMPD/im.out
if [ "$RC" -ne 0 ]; then
	diag_file "$f"; diag_file "$TMPD/im.err"
	fail "icmpmon exited $RC, expected 0"
fi
want=$(seq 1 "$N" | tr '\n' ' ')
for t in "$A" "$B"; do
	re=${t//./\\.}
	[ "$(grep -c "^PING $re ($re) 56(84) bytes of data\.$" "$f")" -eq 1 ] || { diag_file "$f"; fail "not one header for $t"; }
	seqs=$(grep -E "^64 bytes from $re: icmp_seq=[0-9]+ ttl=64 time=[0-9.]+ ms$" "$f" |
		sed -E 's/.*icmp_seq=([0-9]+) .*/\1/' | tr '\n' ' ')
	[ "$seqs" = "$want" ] || { diag_file "$f"; fail "$t: reply seqs '$seqs', expected '$want'"; }
	[ "$(grep -c -- "^--- $re ping statistics ---$" "$f")" -eq 1 ] || { diag_file "$f"; fail "not one statistics block for $t"; }
	counts=$(grep -A1 -- "^--- $re ping statistics ---$" "$f" | sed -n 2p)
	echo "$counts" | grep -Eq "^$N packets transmitted, $N received, 0% packet loss, time [0-9]+ms$" ||
		{ diag_file "$f"; fail "$t: counts line is '$counts'"; }
	# This target's rtt line against its own reply lines.
	grep -A2 -- "^--- $re ping statistics ---$" "$f" > "$TMPD/block"
	grep -E "^64 bytes from $re: " "$f" >> "$TMPD/block"
	check_rtt_line "$TMPD/block" "$t" || { diag_file "$f"; fail "$t: $WHY"; }
done
# Nothing else: 2 headers, 2N replies, 2 blocks of 4 lines.
lines=$(wc -l < "$f")
[ "$lines" -eq $((2 + 2 * N + 8)) ] || { diag_file "$f"; fail "$lines lines of output, expected $((2 + 2 * N + 8))"; }
[ "$(grep -c '^64 bytes from' "$f")" -eq $((2 * N)) ] || { diag_file "$f"; fail "unexpected reply lines"; }
pass
