#!/usr/bin/env bash
# --daemon: a SIGHUP reload that routes a target over a new interface whose
# reply catcher is not the one the start needed (lo refuses native XDP, so
# --xdp-mode native falls back to tc ingress there) keeps working although the
# daemon kept only CAP_NET_ADMIN after its start: every program such a reload
# may attach was loaded while the daemon could still load programs.
. "$(dirname "$0")/lib.sh"
topo_up

F=$TMPD/targets
LO=127.0.0.1
printf '%s\n' "$ANSWERED" > "$F"
bg_p d "$ICMPMON" --daemon --file "$F" -i 0.1 -W 1 --xdp-mode native
PID=$BG_PID
wait_match "$TMPD/d.err" '^icmpmon: probing 1 targets' 10 || { diag_file "$TMPD/d.err"; fail "no start line"; }

printf '%s\n%s\n' "$ANSWERED" "$LO" > "$F"
kill -HUP "$PID"
wait_match "$TMPD/d.err" 'reload' 5 || { diag_file "$TMPD/d.err"; fail "no reload line after SIGHUP"; }
grep -q "^icmpmon: reloaded targets: 1 kept, 1 added, 0 removed, 0 renamed$" "$TMPD/d.err" ||
	{ diag_file "$TMPD/d.err"; fail "the reload onto lo did not succeed"; }
sleep 1
kill -QUIT "$PID"
re_lo=$(re_quote "$LO")
wait_match "$TMPD/d.err" "^$re_lo \\($re_lo\\): [0-9]+ sent, [1-9][0-9]* received" 5 ||
	{ diag_file "$TMPD/d.err"; fail "$LO gets no replies after the reload"; }

kill -TERM "$PID"
bg_wait "$PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/d.err"; fail "exit $BG_RC after SIGTERM, expected 0"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
