#!/usr/bin/env bash
# icmpmon -c 5 -i 0.2 against an answering address prints what iputils ping prints.
. "$(dirname "$0")/lib.sh"
topo_up

like_ping "$ANSWERED" 5
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
