#!/usr/bin/env bash
# Bad fping arguments (issue 14, row 12): the exit status and the messages of
# the real fping 5.1 binary, not of its man page. Where fping prints one or
# two lines, icmpmon prints the same ones; where fping prints its whole usage
# text (a bad value), icmpmon names the value in one line and adds fping's
# "see 'fping -h'" line; where fping warns and probes, icmpmon warns and probes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fping_compare.sh"
need_fping

topo_up
A=$ANSWERED
HINT="see 'fping -h' for usage information"

# bad NAME ARGS...: fping and icmpmon fping with ARGS exit with the same status
# and print nothing on stdout; their stderr is the same (masked), or, where fping
# prints its usage text, icmpmon's is "fping: <what is wrong>" and the hint.
bad() {
	local name=$1
	shift
	run_p "$name.ref" 20 "$FPING" "$@" < /dev/null
	local rc_ref=$RC
	run_p "$name.im" 20 "$ICMPMON" fping "$@" < /dev/null
	local rc_im=$RC
	[ "$rc_ref" = 1 ] || differs "$name" "the reference fping exited $rc_ref, expected 1 (args: $*)"
	[ "$rc_im" = "$rc_ref" ] || { differs "$name" "exit status: fping $rc_ref, icmpmon $rc_im (args: $*)"; diag_file "$TMPD/$name.im.err"; }
	grep -q . "$TMPD/$name.im.out" && { differs "$name" "icmpmon wrote on stdout (args: $*)"; diag_file "$TMPD/$name.im.out"; }
	mask < "$TMPD/$name.ref.err" > "$TMPD/$name.ref.merr"
	mask < "$TMPD/$name.im.err" > "$TMPD/$name.im.merr"
	if head -n 1 "$TMPD/$name.ref.merr" | grep -q '^Usage: '; then
		if [ "$(wc -l < "$TMPD/$name.im.merr")" != 2 ] || ! head -n 1 "$TMPD/$name.im.merr" | grep -q '^fping: ..' ||
			[ "$(sed -n 2p "$TMPD/$name.im.merr")" != "$HINT" ]; then
			differs "$name" "not 'fping: <what>' and the -h hint where fping prints its usage (args: $*)"
			diag_file "$TMPD/$name.im.err"
		fi
	elif ! cmp -s "$TMPD/$name.ref.merr" "$TMPD/$name.im.merr"; then
		differs "$name" "stderr differs (args: $*)"
		show_diff "$TMPD/$name.ref.merr" "$TMPD/$name.im.merr"
	fi
}

# The issue's list.
bad unknown -Z "$A"
bad count_noval -c
bad count_zero -c 0 "$A"
bad ttl_zero -H 0 "$A"
bad g_bad_cidr -g x/33
bad loop_count -l -c 2 "$A"
bad size_big -b 70000 "$A"
bad no_iface -I nosuchif "$A"
# More of the same kinds.
bad long_unknown --bogus "$A"
bad long_noval --count
bad count_word -c x "$A"
bad period_neg -p -5 "$A"
bad reach_zero -x 0 "$A"
bad backoff_zero -B 0 "$A"
bad backoff_big -B 9 "$A"
bad ttl_big -H 300 "$A"
bad alive_unreach -a -u "$A"
bad count_loop -c 2 -l "$A"
bad both_families -4 -6 "$A"
bad name_rdns -n -d "$A"
bad src_bad -S nowhere "$A"
bad tos_word -O abc "$A"
bad g_mask -g 10.201.0.0/33
bad g_mask_word -g 10.201.0.0/abc
bad g_single -g 10.201.0.1
bad g_range_bad -g 10.201.0.1 y
bad g_ipv6 -g fd00:201::/120
bad g_too_many -g 10.201.0.1 10.204.0.1
bad g_and_file -g 10.201.0.0/30 -f /dev/null
bad file_and_args -f /dev/null "$A"

# A TOS the IPv6 socket refuses: fping warns and probes.
both tos_300 -O 300 "$A"
both tos_neg -O -5 "$A"
both tos_hex -O 0x10 "$A"
# An empty -I binds to nothing: fping probes.
both iface_empty -I "" -c 1 "$A"

[ "$FAILS" = 0 ] || fail "$FAILS differences from fping 5.1 (see above)"
pass
