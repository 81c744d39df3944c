#!/usr/bin/env bash
# IPv6 on the veth pair: icmpmon -6 prints what ping -6 prints, through every
# receive hook; many answering addresses; a silent address loses everything
# (exit 1, as ping); IPv4 and IPv6 targets mixed in one run get a block each.
. "$(dirname "$0")/lib.sh"
topo_up
topo6_up

# The responder itself, against iputils ping.
icmpmon_p im -6 -c 5 -i 0.2 "$R6_ADDR"
if [ "$RC" -ne 0 ]; then
	diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"
	fail "icmpmon -6 exited $RC, expected 0"
fi
[ -s "$TMPD/im.err" ] && { diag_file "$TMPD/im.err"; fail "icmpmon -6 wrote to stderr"; }
[ "$(sed -n 1p "$TMPD/im.out")" = "PING $R6_ADDR($R6_ADDR) 56 data bytes" ] ||
	{ diag_file "$TMPD/im.out"; fail "first line is not ping -6's header: '$(sed -n 1p "$TMPD/im.out")'"; }
check_target_block "$TMPD/im.out" "$R6_ADDR" 5 || { diag_file "$TMPD/im.out"; fail "icmpmon -6: $WHY"; }
[ "$(wc -l < "$TMPD/im.out")" -eq 10 ] || { diag_file "$TMPD/im.out"; fail "$(wc -l < "$TMPD/im.out") lines of output, expected 10"; }
run_p ping 30 ping -6 -c 5 -i 0.2 "$R6_ADDR"
if [ "$RC" -ne 0 ] || ! check_target_block "$TMPD/ping.out" "$R6_ADDR" 5; then
	diag_file "$TMPD/ping.out"
	fail "the reference ping -6 did not behave as expected (exit $RC) ${WHY:-}"
fi
same_as_ping "$TMPD/im.out" "$TMPD/ping.out" || fail "icmpmon -6's output differs from ping -6's (times masked)"
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"

# Every receive hook matches ICMPv6 echo replies.
for hook in "--xdp-mode native" "--xdp-mode generic" "--attach tc"; do
	# shellcheck disable=SC2086 # option and value
	icmpmon_p hook $hook -c 5 -i 0.1 "$ANSWERED6"
	if [ "$RC" -ne 0 ] || ! check_target_block "$TMPD/hook.out" "$ANSWERED6" 5; then
		diag_file "$TMPD/hook.out"; diag_file "$TMPD/hook.err"
		fail "icmpmon $hook $ANSWERED6 (exit $RC): ${WHY:-expected exit 0}"
	fi
	state=$(attached_state)
	[ -z "$state" ] || fail "left attached after $hook: $state"
done

# Many addresses of the responder's local fd00:201::/64, each its own block.
T6=(fd00:201::1 fd00:201::7 fd00:201::1:2 fd00:201::ffff:ffff:ffff:fffe)
icmpmon_p many -c 3 -i 0.2 "${T6[@]}"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/many.out"; diag_file "$TMPD/many.err"; fail "icmpmon over ${#T6[@]} IPv6 targets exited $RC"; }
for t in "${T6[@]}"; do
	check_target_block "$TMPD/many.out" "$t" 3 || { diag_file "$TMPD/many.out"; fail "${#T6[@]} IPv6 targets: $WHY"; }
done
[ "$(wc -l < "$TMPD/many.out")" -eq $((4 + 4 * 3 + 4 * 4)) ] ||
	{ diag_file "$TMPD/many.out"; fail "$(wc -l < "$TMPD/many.out") lines for ${#T6[@]} targets, expected $((4 + 4 * 3 + 4 * 4))"; }

# A silent IPv6 address: 100% loss, exit 1, as ping.
icmpmon_p silent -c 3 -i 0.2 -W 1 "$SILENT6"
f=$TMPD/silent.out
[ "$RC" -eq 1 ] || { diag_file "$f"; diag_file "$TMPD/silent.err"; fail "icmpmon $SILENT6 exited $RC, expected 1"; }
grep -q 'bytes from' "$f" && { diag_file "$f"; fail "a reply line for the silent $SILENT6"; }
grep -Eq '^3 packets transmitted, 0 received, 100% packet loss, time [0-9]+ms$' "$f" ||
	{ diag_file "$f"; fail "silent: counts line is '$(grep transmitted "$f")'"; }
run_p ping_silent 30 ping -6 -c 3 -i 0.2 -W 1 "$SILENT6"
[ "$RC" -eq 1 ] || { diag_file "$TMPD/ping_silent.out"; fail "the reference ping -6 $SILENT6 exited $RC, expected 1"; }
same_as_ping "$f" "$TMPD/ping_silent.out" || fail "icmpmon's output for the silent $SILENT6 differs from ping's"

# Dual stack: one IPv4 and one IPv6 target in one run (no -4/-6).
icmpmon_p dual -c 4 -i 0.2 "$ANSWERED" "$ANSWERED6"
f=$TMPD/dual.out
[ "$RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/dual.err"; fail "dual-stack run exited $RC, expected 0"; }
for t in "$ANSWERED" "$ANSWERED6"; do
	check_target_block "$f" "$t" 4 || { diag_file "$f"; fail "dual stack: $WHY"; }
done
[ "$(sed -n 1p "$f")" = "$(ping_header "$ANSWERED")" ] && [ "$(sed -n 2p "$f")" = "$(ping_header "$ANSWERED6")" ] ||
	{ diag_file "$f"; fail "dual stack: the two headers are not the first two lines, in argument order"; }
[ "$(wc -l < "$f")" -eq $((2 + 2 * 4 + 2 * 4)) ] || { diag_file "$f"; fail "dual stack: $(wc -l < "$f") lines, expected 18"; }
# -4 and -6 keep to their family: the other one is refused, as ping refuses it.
icmpmon_p only4 -4 -c 1 "$ANSWERED6"
[ "$RC" -eq 2 ] || { diag_file "$TMPD/only4.out"; diag_file "$TMPD/only4.err"; fail "icmpmon -4 $ANSWERED6 exited $RC, expected 2"; }
[ "$(wc -l < "$TMPD/only4.err")" -eq 1 ] || { diag_file "$TMPD/only4.err"; fail "icmpmon -4 $ANSWERED6: not one line on stderr"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached after the dual-stack runs: $state"
pass
