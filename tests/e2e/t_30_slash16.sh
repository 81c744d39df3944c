#!/usr/bin/env bash
# Monitor scale: all 65,536 addresses of a /16 answered by one namespace, 3 rounds each, every
# target 3/3, in the ping personality (targets from a file) and the fping one (-g START END).
. "$(dirname "$0")/lib.sh"
topo_up

N=65536
awk 'BEGIN { for (i = 0; i < 65536; i++) printf "10.201.%d.%d\n", int(i / 256), i % 256 }' > "$TMPD/targets"
[ "$(wc -l < "$TMPD/targets")" -eq $N ] || fail "could not write $N targets"
# The responder answers every address of its local /16, network and broadcast addresses included.
in_r sysctl -q -w net.ipv4.icmp_echo_ignore_broadcasts=0 || fail "cannot set the responder's sysctl"

# Ping personality: -q prints one statistics block per target.
IM_TIMEOUT=120 icmpmon_p ping16 -q -c 3 --period 2 -W 2 --file "$TMPD/targets"
f=$TMPD/ping16.out
[ "$RC" -eq 0 ] || { diag_file "$TMPD/ping16.err"; fail "ping personality exited $RC"; }
blocks=$(grep -c ' ping statistics ---$' "$f")
full=$(grep -c '^3 packets transmitted, 3 received, 0% packet loss' "$f")
[ "$blocks" -eq $N ] || fail "ping personality: $blocks statistics blocks, expected $N"
[ "$full" -eq $N ] || {
	grep '^3 packets transmitted' "$f" | grep -v ' 3 received' | head -5 | sed 's/^/#   /'
	fail "ping personality: $full of $N targets got 3/3"
}
# Every address of the file has its own block.
grep -o -- '^--- [0-9.]* ping' "$f" | awk '{print $2}' | sort > "$TMPD/seen"
sort "$TMPD/targets" | cmp -s - "$TMPD/seen" || fail "the statistics blocks are not exactly the $N targets"
grep -q 'not shown\|not tracked' "$f" && diag "$(grep 'not shown\|not tracked' "$f")"

# fping personality: summaries on stderr, one per target.
IM_TIMEOUT=120 icmpmon_p fping16 fping -q -c 3 -p 2000 -t 2000 -g 10.201.0.0 10.201.255.255
e=$TMPD/fping16.err
[ "$RC" -eq 0 ] || { tail -5 "$e" | sed 's/^/#   /'; fail "fping personality exited $RC"; }
lines=$(grep -c ' : xmt/rcv/%loss = ' "$e")
full=$(grep -c ' : xmt/rcv/%loss = 3/3/0%' "$e")
[ "$lines" -eq $N ] || fail "fping personality: $lines summary lines, expected $N"
[ "$full" -eq $N ] || fail "fping personality: $full of $N targets got 3/3"
pass
