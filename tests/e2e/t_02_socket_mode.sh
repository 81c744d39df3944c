#!/usr/bin/env bash
# The same five probes with replies read from a raw socket (--mode socket).
. "$(dirname "$0")/lib.sh"
topo_up

icmpmon_p im --mode socket -c 5 -i 0.2 "$ANSWERED"
if [ "$RC" -ne 0 ]; then
	diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"
	fail "icmpmon --mode socket exited $RC, expected 0"
fi
if [ -s "$TMPD/im.err" ]; then
	diag_file "$TMPD/im.err"
	fail "icmpmon wrote to stderr"
fi
if ! check_ping_output "$TMPD/im.out" "$ANSWERED" 5; then
	diag_file "$TMPD/im.out"
	fail "icmpmon --mode socket output: $WHY"
fi
# Socket mode attaches nothing.
state=$(attached_state)
[ -z "$state" ] || fail "something is attached after --mode socket: $state"

run_p ping 30 ping -c 5 -i 0.2 "$ANSWERED"
if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/ping.out" "$ANSWERED" 5; then
	diag_file "$TMPD/ping.out"
	fail "the reference ping itself did not behave as expected (exit $RC) ${WHY:-}"
fi
mask_times "$TMPD/im.out" > "$TMPD/im.masked"
mask_times "$TMPD/ping.out" > "$TMPD/ping.masked"
if ! cmp -s "$TMPD/im.masked" "$TMPD/ping.masked"; then
	diff -u "$TMPD/ping.masked" "$TMPD/im.masked" | sed 's/^/#   /'
	fail "icmpmon's output differs from ping's (times masked)"
fi
pass
