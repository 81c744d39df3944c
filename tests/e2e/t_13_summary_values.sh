#!/usr/bin/env bash
# The summary's numbers are the run's own: the responder drops every third
# echo request and sends every reply twice (tests/e2e/progs/shaper.bpf.c), so
# a run of 9 probes has 6 first replies, 6 duplicates and 33.3333% loss. For
# icmpmon (kernel and socket mode) and for the real ping in the same set-up:
# the counts line is what the reply lines add up to (received = first-reply
# lines, +duplicates = (DUP!) lines, loss = ping's float percentage), and
# min/avg/max/mdev are those of the time= values, within print rounding.
. "$(dirname "$0")/lib.sh"
topo_up

A=$ANSWERED
N=9
shaper_on ingress -DDROP_SEQ_EVERY=3
shaper_on egress -DDUP_REPLIES

# values NAME CMD...: CMD -c $N -i 0.1 -W 1 $A; its summary against its reply lines.
values() {
	local name=$1 f=$TMPD/$1.out seqs
	shift
	run_p "$name" 30 "$@" -c "$N" -i 0.1 -W 1 "$A"
	[ "$RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/$name.err"; fail "$name: exit $RC, expected 0 (as ping: some replies, no deadline)"; }
	seqs=$(grep -E '^64 bytes from .* icmp_seq=' "$f" | grep -v 'DUP!' | sed -E 's/.*icmp_seq=([0-9]+) .*/\1/' | tr '\n' ' ')
	[ "$seqs" = "1 2 4 5 7 8 " ] || { diag_file "$f"; fail "$name: first replies for seqs '$seqs', expected '1 2 4 5 7 8 ' (the set-up?)"; }
	check_counts_values "$f" "$A" "$N" || { diag_file "$f"; fail "$name: $WHY"; }
	grep -Eq "^$N packets transmitted, 6 received, \+6 duplicates, 33\.3333% packet loss, time [0-9]+ms$" "$f" ||
		{ diag_file "$f"; fail "$name: not every duplicate made it into the output"; }
	check_rtt_line "$f" "$A" || { diag_file "$f"; fail "$name: $WHY"; }
}

values ping ping
values im "$ICMPMON"
values sock "$ICMPMON" --mode socket
same_as_ping "$TMPD/im.out" "$TMPD/ping.out" || fail "icmpmon's output differs from ping's (times masked)"
pass
