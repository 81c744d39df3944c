#!/usr/bin/env bash
# A SIGHUP (systemctl reload) that arrives while --daemon is still setting up
# (loading takes a second or more in the verifier) must not kill it: the
# reload waits for the event loop and then happens once. SIGTERM ends it
# with status 0 and nothing attached.
. "$(dirname "$0")/lib.sh"
need curl
topo_up

PORT=9377
printf '%s\n' "$ANSWERED" > "$TMPD/targets"
bg_p d "$ICMPMON" --daemon --file "$TMPD/targets" --metrics "$PORT" -i 0.1
pid=$BG_PID
sleep 0.2
alive "$pid" || { diag_file "$TMPD/d.err"; fail "--daemon ended within 0.2 s"; }
kill -HUP "$pid"
for ((i = 0; i < 200; i++)); do
	in_p curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/-/healthy" 2>/dev/null && break
	alive "$pid" || break
	sleep 0.05
done
alive "$pid" || { wait "$pid"; rc=$?; diag_file "$TMPD/d.err"; fail "a SIGHUP during setup ended --daemon (exit status $rc)"; }
[ "$i" -lt 200 ] || { diag_file "$TMPD/d.err"; fail "--daemon does not serve /-/healthy within 10 s"; }
wait_match "$TMPD/d.err" 'reloaded targets: 1 kept, 0 added, 0 removed' 5 ||
	{ diag_file "$TMPD/d.err"; fail "the early SIGHUP did not lead to one reload"; }
in_p curl -sf --max-time 5 "http://127.0.0.1:$PORT/metrics" > "$TMPD/m.txt" || fail "cannot scrape"
grep -q '^icmpmon_reloads_total{result="success"} 1$' "$TMPD/m.txt" ||
	{ grep reloads "$TMPD/m.txt" | sed 's/^/#   /'; fail "icmpmon_reloads_total is not 1 success"; }
kill -TERM "$pid"
bg_wait "$pid" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/d.err"; fail "exit status $BG_RC after SIGTERM, expected 0"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
