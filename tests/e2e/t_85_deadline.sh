#!/usr/bin/env bash
# Issue #14 row 6: -w counts as iputils ping counts: a probe due exactly at
# the deadline is not sent (ping -w 1: 1 transmitted; -w 2 -i 0.2: 10).
. "$(dirname "$0")/lib.sh"
topo_up

# same_counts NAME ARGS...: ping and icmpmon with ARGS transmit and receive as many.
same_counts() {
	local name=$1 want got
	shift
	run_p "$name.ping" 20 ping "$@"
	want=$(grep -E '^[0-9]+ packets transmitted' "$TMPD/$name.ping.out" | sed -E 's/, time [0-9]+ms$//')
	[ -n "$want" ] || { diag_file "$TMPD/$name.ping.out"; fail "the reference ping $* printed no counts"; }
	icmpmon_p "$name" "$@"
	got=$(grep -E '^[0-9]+ packets transmitted' "$TMPD/$name.out" | sed -E 's/, time [0-9]+ms$//')
	if [ "$got" != "$want" ]; then
		diag_file "$TMPD/$name.out"; diag_file "$TMPD/$name.err"
		fail "icmpmon $*: '$got', ping: '$want'"
	fi
}

same_counts w1 -w 1 "$ANSWERED"
same_counts w1i -w 1 -i 0.25 "$ANSWERED"
same_counts w2silent -w 2 -c 5 -i 0.2 "$SILENT"
pass
