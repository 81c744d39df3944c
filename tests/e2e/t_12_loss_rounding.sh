#!/usr/bin/env bash
# Loss percentages are truncated, as iputils ping's SIGQUIT line and fping
# print them: the responder answers only the first of 3 echo requests
# (tests/e2e/progs/shaper.bpf.c, -DPASS_FIRST=1), so the loss is 200/3 %:
# "1/3 packets, 66% loss" on SIGQUIT, "xmt/rcv/%loss = 3/1/66%" in fping's
# summary; both compared with the real ping and fping in the same set-up.
. "$(dirname "$0")/lib.sh"
need fping
topo_up

A=$ANSWERED

# quit_status NAME CMD...: CMD (-i 1 against $A) in the background; as soon
# as the responder has dropped the 2nd and 3rd request, SIGQUIT (the 4th is
# a second away), then SIGINT. STATUS: the status line it wrote to stderr.
# (ping -c 3 would not do: it ends 2 max RTTs after its last probe.)
quit_status() {
	local name=$1 base i
	shift
	shaper_on ingress -DPASS_FIRST=1
	base=$(shaper_count)
	bg_p "$name" "$@" -i 1 "$A"
	for ((i = 0; i < 200; i++)); do
		[ "$(($(shaper_count) - base))" -ge 2 ] && break
		alive "$BG_PID" || break
		sleep 0.02
	done
	alive "$BG_PID" || { diag_file "$TMPD/$name.out"; diag_file "$TMPD/$name.err"; fail "$name ended before SIGQUIT"; }
	kill -QUIT "$BG_PID"
	[ "$(($(shaper_count) - base))" -eq 2 ] || fail "$name: the responder dropped $(($(shaper_count) - base)) requests, expected 2"
	wait_match "$TMPD/$name.err" 'packets, [0-9]+% loss' 5 || { diag_file "$TMPD/$name.err"; fail "$name: no status line after SIGQUIT"; }
	kill -INT "$BG_PID"
	bg_wait "$BG_PID" 10
	STATUS=$(tr '\r' '\n' < "$TMPD/$name.err" | grep -E 'packets, [0-9]+% loss' | head -n 1)
}

quit_status ping ping
ref=$STATUS
case $ref in
"1/3 packets, 66% loss, min/avg/ewma/max = "*) ;;
*) diag_file "$TMPD/ping.err"; fail "the reference ping's SIGQUIT line is '$ref', expected 1/3 packets, 66% loss" ;;
esac
quit_status im "$ICMPMON"
# Same counts and loss as ping; the times differ from run to run.
mask_status() { sed -E 's#= [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$#= T ms#'; }
[ "$(echo "$STATUS" | mask_status)" = "$(echo "$ref" | mask_status)" ] ||
	{ diag_file "$TMPD/im.err"; fail "icmpmon's SIGQUIT line is '$STATUS', ping's '$ref'"; }
echo "$STATUS" | grep -Eq '^1/3 packets, 66% loss, min/avg/ewma/max = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$' ||
	fail "icmpmon's SIGQUIT line is '$STATUS'"

# fping -c 3: the per-target summary on stderr.
for tool in fping im; do
	shaper_on ingress -DPASS_FIRST=1
	if [ "$tool" = fping ]; then
		run_p "$tool.c" 30 fping -c 3 -p 200 -t 500 "$A"
	else
		run_p "$tool.c" 30 "$ICMPMON" fping -c 3 -p 200 -t 500 "$A"
	fi
	[ "$RC" -eq 0 ] || { diag_file "$TMPD/$tool.c.err"; fail "$tool -c 3: exit $RC, expected 0 (one reply)"; }
	grep -Eq "^$(re_quote "$A") +: xmt/rcv/%loss = 3/1/66%, min/avg/max = " "$TMPD/$tool.c.err" ||
		{ diag_file "$TMPD/$tool.c.out"; diag_file "$TMPD/$tool.c.err"; fail "$tool -c 3 with 1 reply: not 'xmt/rcv/%loss = 3/1/66%'"; }
done
shaper_off ingress
pass
