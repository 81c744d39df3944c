#!/usr/bin/env bash
# Valgrind memcheck over whole runs: ping text with a silent target (timeouts
# swept from the outstanding map), --json with --report and --hist, --metrics
# with scrapes, --daemon with a SIGHUP reload ended by SIGTERM, --mode socket,
# and a setup that fails after the BPF object is loaded. No memory error, no
# leak of any kind, icmpmon's own exit status and output unchanged.
# tests/e2e/valgrind.supp holds the few suppressions (false positives inside
# libbpf, explained there).
. "$(dirname "$0")/lib.sh"
need valgrind
# (make test SANITIZE=1: an ASan binary cannot run under valgrind; ASan checks it instead)
grep -qa __asan_init "$ICMPMON" && skip "$ICMPMON is built with AddressSanitizer"
topo_up

SUPP=$E2E_DIR/valgrind.supp
VG=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all
	--error-exitcode=99 --track-fds=no --num-callers=30 --suppressions="$SUPP")
re=${ANSWERED//./\\.}

# vg_check NAME RC_WANTED: the valgrind log of run NAME is clean.
vg_check() {
	local name=$1 want=$2 log=$TMPD/$1.vg
	if [ "$RC" -ne "$want" ]; then
		diag_file "$log"; diag_file "$TMPD/$name.err"
		[ "$RC" -eq 99 ] && fail "$name: valgrind found errors (exit 99)"
		fail "$name: exit status $RC under valgrind, expected $want"
	fi
	grep -q 'ERROR SUMMARY: 0 errors' "$log" || { diag_file "$log"; fail "$name: $(grep 'ERROR SUMMARY' "$log")"; }
	grep -Eq 'All heap blocks were freed -- no leaks are possible|definitely lost: 0 bytes' "$log" ||
		{ diag_file "$log"; fail "$name: leaks: $(grep -E 'lost:|reachable:' "$log" | tr '\n' ' ')"; }
	if grep -Eq '(definitely|indirectly|possibly) lost: [1-9]|still reachable: [1-9]' "$log"; then
		diag_file "$log"; fail "$name: $(grep -E 'lost:|reachable:' "$log" | tr -s ' ' | tr '\n' ' ')"
	fi
	diag "$name: $(grep -Eo 'total heap usage: .*' "$log"), $(grep -c 'WARNING: unhandled eBPF command' "$log") unhandled-bpf warnings"
}

# vg_run NAME ARGS...: icmpmon under valgrind in the prober namespace, in the foreground.
vg_run() {
	local name=$1
	shift
	IM_TIMEOUT=120 run_p "$name" 120 "${VG[@]}" --log-file="$TMPD/$name.vg" "$ICMPMON" "$@"
}

# vg_bg NAME ARGS...: the same in the background (BG_PID is valgrind's, which is icmpmon's).
vg_bg() {
	local name=$1
	shift
	bg_p "$name" "${VG[@]}" --log-file="$TMPD/$name.vg" "$ICMPMON" "$@"
}

# --- ping text, an answering and a silent target ------------------------------------
vg_run text -c 5 -i 0.2 -W 0.5 "$ANSWERED" "$SILENT"
vg_check text 0
grep -Eq '^5 packets transmitted, 5 received, 0% packet loss' "$TMPD/text.out" || { diag_file "$TMPD/text.out"; fail "text: $ANSWERED not 5/5"; }
grep -Eq '^5 packets transmitted, 0 received, 100% packet loss' "$TMPD/text.out" || { diag_file "$TMPD/text.out"; fail "text: $SILENT not 0/5"; }

# --- --json --report --hist: timeouts, intervals, histograms ----------------------
vg_run json --json --report 0.3 --hist -c 6 -i 0.2 -W 0.3 "$ANSWERED" "$SILENT"
vg_check json 0
jq -e -s '(map(select(.type == "timeout")) | length) > 0 and (map(select(.type == "interval")) | length) > 0
	and (map(select(.type == "end")) | length) == 1' "$TMPD/json.out" >/dev/null ||
	{ diag_file "$TMPD/json.out"; fail "json: no timeout or interval objects, or no end object"; }

# --- --metrics: scrapes from the HTTP thread, SIGINT -------------------------------
PORT=9375
vg_bg met --metrics "$PORT" -i 0.1 "$ANSWERED"
pid=$BG_PID
wait_match "$TMPD/met.out" "^64 bytes from $re: icmp_seq=3 " 60 || { diag_file "$TMPD/met.vg"; fail "met: no reply within 60 s"; }
for i in 1 2 3; do
	in_p curl -sf --max-time 10 "http://127.0.0.1:$PORT/metrics" > "$TMPD/scrape.txt" || fail "met: scrape $i failed"
done
in_p curl -s --max-time 10 -o /dev/null "http://127.0.0.1:$PORT/nothing-here" || fail "met: 404 request failed"
in_p curl -s --max-time 10 -o /dev/null -X POST "http://127.0.0.1:$PORT/metrics" || fail "met: POST request failed"
grep -q '^icmpmon_replies_total{' "$TMPD/scrape.txt" || fail "met: no icmpmon_replies_total in the scrape"
kill -INT "$pid"
bg_wait "$pid" 60
RC=$BG_RC
vg_check met 0

# --- --daemon --file, SIGHUP reload (one target kept, one added), SIGTERM ---------
printf '%s\n' "$ANSWERED" > "$TMPD/targets"
vg_bg dmn --daemon --file "$TMPD/targets" --metrics "$((PORT + 1))" -i 0.1
pid=$BG_PID
# /-/healthy answers once the event loop runs (and SIGHUP is taken by its signalfd).
for ((i = 0; i < 600; i++)); do
	in_p curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$((PORT + 1))/-/healthy" 2>/dev/null && break
	alive "$pid" || break
	sleep 0.1
done
[ "$i" -lt 600 ] && alive "$pid" || { diag_file "$TMPD/dmn.err"; diag_file "$TMPD/dmn.vg"; fail "dmn: not serving /-/healthy within 60 s"; }
printf '%s\n%s\n' "$ANSWERED" 10.201.0.8 > "$TMPD/targets"
kill -HUP "$pid"
wait_match "$TMPD/dmn.err" 'reloaded targets' 30 || { diag_file "$TMPD/dmn.err"; diag_file "$TMPD/dmn.vg"; fail "dmn: no reload line"; }
sleep 0.5
kill -TERM "$pid"
bg_wait "$pid" 60
RC=$BG_RC
vg_check dmn 0

# --- --mode socket -------------------------------------------------------------------
vg_run sock --mode socket -c 3 -i 0.2 "$ANSWERED"
vg_check sock 0
check_ping_output "$TMPD/sock.out" "$ANSWERED" 3 || { diag_file "$TMPD/sock.out"; fail "sock: $WHY"; }

# --- a setup that fails after the object is loaded: exit 2, everything freed -------
vg_run pin --pin "$TMPD/not-a-bpffs" -c 1 "$ANSWERED"
vg_check pin 2
[ "$(wc -l < "$TMPD/pin.err")" -eq 1 ] || { diag_file "$TMPD/pin.err"; fail "pin: stderr is not one line"; }
vg_run host -c 1 no-such-host.invalid
vg_check host 2

state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
