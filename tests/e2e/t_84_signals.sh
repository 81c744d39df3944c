#!/usr/bin/env bash
# Issue #14 rows 4 and 5: SIGINT/SIGTERM end the run with ping's summary
# whatever disposition was inherited and whenever they come (during setup
# too); a closed stdout ends the run and leaves nothing attached.
. "$(dirname "$0")/lib.sh"
topo_up

# stats_shape FILE: the header and the statistics block with every number masked.
stats_shape() {
	grep -E '^(PING |--- |[0-9]+ packets transmitted)' "$1" | sed -E 's/[0-9]+/N/g; s/, \+N errors//; s/, N% packet loss, time Nms$//'
}

# 1. A background job of a non-interactive shell starts with SIGINT ignored;
# the signal comes 0.3 s after start, while icmpmon is still loading.
for name in ping icmpmon; do
	tool=$name
	[ "$name" = icmpmon ] && tool=$ICMPMON
	run_p "bg.$name" 20 sh -c "\"$tool\" -i 0.2 $ANSWERED & p=\$!; sleep 0.3; kill -INT \$p; wait \$p"
	echo "$RC" > "$TMPD/bg.$name.rc"
done
[ "$(cat "$TMPD/bg.ping.rc")" = 0 ] || { diag_file "$TMPD/bg.ping.out"; fail "the reference ping exited $(cat "$TMPD/bg.ping.rc")"; }
# ping has had replies by then; icmpmon may not have sent yet (exit 1, as ping's without replies).
if [ "$(cat "$TMPD/bg.icmpmon.rc")" != 0 ] && [ "$(cat "$TMPD/bg.icmpmon.rc")" != 1 ]; then
	diag_file "$TMPD/bg.icmpmon.out"; diag_file "$TMPD/bg.icmpmon.err"
	fail "SIGINT to a background job (SIGINT inherited ignored): exit $(cat "$TMPD/bg.icmpmon.rc"), ping exits 0 with a summary"
fi
[ "$(stats_shape "$TMPD/bg.icmpmon.out")" = "$(stats_shape "$TMPD/bg.ping.out")" ] ||
	{ diag_file "$TMPD/bg.icmpmon.out"; fail "SIGINT to a background job: no summary as ping prints it"; }

# 2. A signal during setup, as soon as icmpmon has blocked the signals (its
# first instruction; loading the BPF programs takes far longer): the summary of
# what was done, ping's exit status, not death by signal. Waiting for the block
# rather than a fixed delay keeps a loaded machine from signalling the dynamic
# loader instead.
blocked() { # PID SIG: is SIG in the process's blocked set?
	local m
	m=$(awk '/^SigBlk:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$m" ] && (( (0x$m >> ($2 - 1)) & 1 ))
}
for sig in INT TERM; do
	num=$(kill -l "$sig")
	bg_p "setup.$sig" "$ICMPMON" -i 0.2 "$ANSWERED"
	for ((i = 0; i < 1000; i++)); do
		blocked "$BG_PID" "$num" && [ "$(cat "/proc/$BG_PID/comm" 2>/dev/null)" = icmpmon ] && break
		sleep 0.005
	done
	kill -"$sig" "$BG_PID"
	bg_wait "$BG_PID" 20
	RC=$BG_RC
	if [ "$RC" -ne 0 ] && [ "$RC" -ne 1 ]; then
		diag_file "$TMPD/setup.$sig.out"; diag_file "$TMPD/setup.$sig.err"
		fail "SIG$sig during setup: exit $RC, expected ping's 0 or 1 with a summary"
	fi
	grep -q "^--- $ANSWERED ping statistics ---$" "$TMPD/setup.$sig.out" &&
		grep -Eq '^[0-9]+ packets transmitted, [0-9]+ received' "$TMPD/setup.$sig.out" ||
		{ diag_file "$TMPD/setup.$sig.out"; fail "SIG$sig during setup: no statistics block"; }
	state=$(attached_state)
	[ -z "$state" ] || fail "left attached after SIG$sig during setup: $state"
done

# 3. SIGINT with the default disposition after start, as before.
bg_p fg "$ICMPMON" -i 0.2 "$ANSWERED"
wait_match "$TMPD/fg.out" 'icmp_seq=3 ' 10 || { diag_file "$TMPD/fg.err"; fail "no third reply"; }
kill -INT "$BG_PID"
bg_wait "$BG_PID" 5
[ "$BG_RC" = 0 ] || fail "SIGINT after start: exit $BG_RC"
grep -q "^--- $ANSWERED ping statistics ---$" "$TMPD/fg.out" || fail "SIGINT after start: no summary"

# 4. | head -2: the run ends once stdout is closed, and detaches.
start=$(date +%s)
timeout -k 2 20 ip netns exec "$NS_P" sh -c "\"$ICMPMON\" -i 0.1 $ANSWERED 2>\"$TMPD/pipe.err\"; echo \$? > \"$TMPD/pipe.rc\"" |
	head -2 > "$TMPD/pipe.out"
el=$(( $(date +%s) - start ))
[ -s "$TMPD/pipe.rc" ] || fail "| head -2: icmpmon did not end (timeout after ${el}s)"
rc=$(cat "$TMPD/pipe.rc")
[ "$rc" -lt 128 ] || { diag_file "$TMPD/pipe.err"; fail "| head -2: icmpmon died by signal $((rc - 128))"; }
[ "$(wc -l < "$TMPD/pipe.out")" = 2 ] || fail "| head -2 did not get its 2 lines"
[ -s "$TMPD/pipe.err" ] && { diag_file "$TMPD/pipe.err"; fail "| head -2: icmpmon wrote to stderr"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached after stdout closed: $state"
pass
