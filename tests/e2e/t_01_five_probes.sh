#!/usr/bin/env bash
# icmpmon -c 5 -i 0.2 against an answering address prints what iputils ping prints.
. "$(dirname "$0")/lib.sh"
topo_up

icmpmon_p im -c 5 -i 0.2 "$ANSWERED"
if [ "$RC" -ne 0 ]; then
	diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"
	fail "icmpmon exited $RC, expected 0"
fi
if [ -s "$TMPD/im.err" ]; then
	diag_file "$TMPD/im.err"
	fail "icmpmon wrote to stderr"
fi
if ! check_ping_output "$TMPD/im.out" "$ANSWERED" 5; then
	diag_file "$TMPD/im.out"
	fail "icmpmon output: $WHY"
fi

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
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"

# The same through each kernel receive hook.
for hook in "--xdp-mode native" "--xdp-mode generic" "--attach tc"; do
	# shellcheck disable=SC2086 # option and value
	icmpmon_p hook $hook -c 5 -i 0.1 "$ANSWERED"
	if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/hook.out" "$ANSWERED" 5; then
		diag_file "$TMPD/hook.out"; diag_file "$TMPD/hook.err"
		fail "icmpmon $hook (exit $RC): ${WHY:-expected exit 0}"
	fi
	state=$(attached_state)
	[ -z "$state" ] || fail "left attached after $hook: $state"
done
pass
