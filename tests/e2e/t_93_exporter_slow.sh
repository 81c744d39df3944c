#!/usr/bin/env bash
# Slow and idle HTTP clients against --metrics (issue 12, row 3): 200 slowloris
# connections (a header line every 2 s, never the end of the headers) from one
# address, then 200 spread over 25 addresses, while a scraper on another
# address must still get /metrics and /-/healthy every time; a client silent
# for longer than the idle timeout (5 s) is closed by the server.
. "$(dirname "$0")/lib.sh"
topo_up
need curl
need python3

PORT=9376
URL=http://127.0.0.1:$PORT
SLOW="python3 $E2E_DIR/slow_http.py"

bg_p d "$ICMPMON" --daemon -i 0.2 -W 1 --metrics "127.0.0.1:$PORT" "$ANSWERED"
PID=$BG_PID
for ((i = 0; i < 100; i++)); do in_p curl -s -m 2 "$URL/-/healthy" >/dev/null && break; sleep 0.2; done
in_p curl -s -m 2 "$URL/-/healthy" >/dev/null || { diag_file "$TMPD/d.err"; fail "the exporter never answered"; }

# scrapes_ok NAME: 5 scrapes of each page from 127.0.0.1, 3 s each at most, all answered.
scrapes_ok() {
	local k code
	for ((k = 0; k < 5; k++)); do
		code=$(in_p curl -s -m 3 -o "$TMPD/$1.metrics" -w '%{http_code}' "$URL/metrics")
		[ "$code" = 200 ] && grep -q '^icmpmon_targets 1$' "$TMPD/$1.metrics" || { WHY="/metrics: HTTP '$code' on try $((k + 1))"; return 1; }
		code=$(in_p curl -s -m 3 -o /dev/null -w '%{http_code}' "$URL/-/healthy")
		[ "$code" = 200 ] || { WHY="/-/healthy: HTTP '$code' on try $((k + 1))"; return 1; }
		sleep 0.5
	done
}

# attack NAME N SECONDS GAP SRC...: slow clients in the background, until they say they are connected
attack() {
	local name=$1
	shift
	bg_p "$name" $SLOW 127.0.0.1 "$PORT" "$@"
	ATTACK=$BG_PID
	wait_match "$TMPD/$name.out" '^connected' 30 || { diag_file "$TMPD/$name.err"; fail "$name: the slow clients never got going"; }
}

attack one 200 12 2 127.0.0.2
scrapes_ok one || { diag "slow clients: $(cat "$TMPD/one.out" | tr '\n' ' ')"; fail "200 slow clients from one address: $WHY"; }
bg_wait "$ATTACK" 30
diag "one address: $(tail -1 "$TMPD/one.out")"

srcs=()
for ((k = 1; k <= 25; k++)); do srcs+=("127.0.1.$k"); done
attack many 200 12 2 "${srcs[@]}"
scrapes_ok many || { diag "slow clients: $(cat "$TMPD/many.out" | tr '\n' ' ')"; fail "200 slow clients from 25 addresses: $WHY"; }
bg_wait "$ATTACK" 30
diag "25 addresses: $(tail -1 "$TMPD/many.out")"
read -r _ opened _ _ _ _ <<< "$(tail -1 "$TMPD/many.out")"
[ "${opened:-0}" -ge 190 ] || fail "only ${opened:-0} of 200 slow clients over 25 addresses connected"

# idle for 7 s (after the request line): closed by the server
attack idle 4 7 7 127.0.0.3
bg_wait "$ATTACK" 20
diag "idle: $(tail -1 "$TMPD/idle.out")"
grep -q 'opened 4 refused 0 closed_by_server 4$' "$TMPD/idle.out" || fail "idle connections not closed by the server: $(tail -1 "$TMPD/idle.out")"

alive "$PID" || { diag_file "$TMPD/d.err"; fail "icmpmon ended during the attack"; }
kill -TERM "$PID"
bg_wait "$PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/d.err"; fail "exit $BG_RC after SIGTERM"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
