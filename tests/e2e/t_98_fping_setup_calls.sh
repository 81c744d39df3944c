#!/usr/bin/env bash
# The fping personality's start over many targets costs a few system calls,
# not several per target (issue 11, the count job's CPU): 1,024 targets, one
# probe each, under strace -c. The targets go into the kernel's target map in
# one batch (not a bpf(2) update each), the route look-ups 32 to a netlink
# datagram (not a send and a recv each), and the 1,024 summary lines to
# stderr in one write (not a write per field).
. "$(dirname "$0")/lib.sh"
need strace
need fping
topo_up

N=1024
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "10.201.%d.%d\n", int(i / 250), i % 250 + 1 }' > "$TMPD/targets"
run_p calls 60 strace -f -c -o "$TMPD/calls" "$ICMPMON" fping -c 1 -p 100 -i 0 -q -f "$TMPD/targets"
[ "$RC" = 0 ] || { diag_file "$TMPD/calls.err"; fail "exit status $RC, expected 0 (every target answers)"; }
[ "$(grep -c ' : xmt/rcv/%loss = 1/1/0%' "$TMPD/calls.err")" = "$N" ] ||
	{ diag_file "$TMPD/calls.err"; fail "not $N summary lines saying 1/1/0%"; }

bpf=$(awk '$NF == "bpf" { print $4 }' "$TMPD/calls")
sendto=$(awk '$NF == "sendto" { print $4 }' "$TMPD/calls")
write=$(awk '$NF == "write" { print $4 }' "$TMPD/calls")
diag "bpf ${bpf:-0}, sendto ${sendto:-0}, write ${write:-0} calls for $N targets"
[ "${bpf:-0}" -lt 200 ] || { diag_file "$TMPD/calls"; fail "${bpf} bpf(2) calls: one per target?"; }
[ "${sendto:-0}" -lt 300 ] || { diag_file "$TMPD/calls"; fail "${sendto} sendto(2) calls: a route look-up per target?"; }
[ "${write:-0}" -lt 16 ] || { diag_file "$TMPD/calls"; fail "${write} write(2) calls: the summaries a field at a time?"; }
pass
