#!/usr/bin/env bash
# Least privilege: while icmpmon runs, every thread of it (the HTTP server's
# too, with --metrics) has only CAP_NET_ADMIN in its effective, permitted and
# bounding sets, nothing inheritable or ambient, and no_new_privs; a SIGHUP
# reload keeps it so. --metrics PORT listens on 127.0.0.1 only; ADDR:PORT on
# ADDR. With only CAP_NET_ADMIN left, the exit still removes everything.
. "$(dirname "$0")/lib.sh"
need iproute2 ss
need curl
topo_up

NET_ADMIN=0000000000001000
NONE=0000000000000000
re=${ANSWERED//./\\.}

# check_caps PID WHAT [MIN_THREADS]: every thread of PID; sets WHY on failure.
check_caps() {
	local pid=$1 what=$2 min=${3:-1} t n=0 v f want
	WHY=""
	for t in /proc/"$pid"/task/*; do
		[ -r "$t/status" ] || continue
		n=$((n + 1))
		for f in CapEff CapPrm CapBnd CapInh CapAmb NoNewPrivs; do
			v=$(awk -v f="$f:" '$1 == f { print $2 }' "$t/status")
			case $f in
			CapEff | CapPrm | CapBnd) want=$NET_ADMIN ;;
			CapInh | CapAmb) want=$NONE ;;
			NoNewPrivs) want=1 ;;
			esac
			if [ "$v" != "$want" ]; then
				WHY="$what: thread $(basename "$t") ($(cat "$t/comm" 2>/dev/null)): $f is '$v', expected $want"
				return 1
			fi
		done
	done
	if [ "$n" -lt "$min" ]; then
		WHY="$what: $n threads, expected at least $min"
		return 1
	fi
	diag "$what: $n threads ($(cat /proc/"$pid"/task/*/comm 2>/dev/null | tr '\n' ' ')), each CapEff/CapPrm/CapBnd $NET_ADMIN, NoNewPrivs 1"
}

# --- plain run -----------------------------------------------------------------
bg_p plain "$ICMPMON" -i 0.1 "$ANSWERED"
pid=$BG_PID
wait_match "$TMPD/plain.out" "^64 bytes from $re: icmp_seq=2 " 10 || { diag_file "$TMPD/plain.err"; fail "no reply within 10 s"; }
check_caps "$pid" "plain run" || fail "$WHY"
kill -INT "$pid"; bg_wait "$pid" 5
[ "$BG_RC" -eq 0 ] || fail "plain run: exit $BG_RC after SIGINT"
state=$(attached_state)
[ -z "$state" ] || fail "left attached with only CAP_NET_ADMIN at exit: $state"

# --- --metrics PORT: the HTTP thread too, and loopback only ---------------------
PORT=9374
bg_p met "$ICMPMON" --metrics "$PORT" -i 0.1 "$ANSWERED"
pid=$BG_PID
wait_match "$TMPD/met.out" "^64 bytes from $re: icmp_seq=2 " 10 || { diag_file "$TMPD/met.err"; fail "--metrics: no reply within 10 s"; }
# a scrape first: the server has started and served with the dropped capabilities
in_p curl -sf --max-time 5 "http://127.0.0.1:$PORT/metrics" > "$TMPD/scrape.txt" ||
	{ diag_file "$TMPD/met.err"; fail "cannot scrape http://127.0.0.1:$PORT/metrics in the prober namespace"; }
grep -q '^icmpmon_replies_total{' "$TMPD/scrape.txt" || { diag_file "$TMPD/scrape.txt"; fail "no icmpmon_replies_total in the scrape"; }
check_caps "$pid" "--metrics $PORT" 2 || fail "$WHY"
in_p ss -Hltn > "$TMPD/ss.txt"
listen=$(awk -v p=":$PORT" '{ a = $4; if (substr(a, length(a) - length(p) + 1) == p) print a }' "$TMPD/ss.txt" | sort -u | tr '\n' ' ')
[ "$listen" = "127.0.0.1:$PORT " ] || { diag_file "$TMPD/ss.txt"; fail "--metrics $PORT listens on '$listen', expected 127.0.0.1:$PORT only"; }
# From the responder, the prober's veth address has nothing on the port.
if in_r curl -s --max-time 3 -o /dev/null "http://$P_ADDR:$PORT/metrics"; then
	fail "--metrics $PORT answers on $P_ADDR from the responder namespace"
fi
kill -INT "$pid"; bg_wait "$pid" 5
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/met.err"; fail "--metrics: exit $BG_RC after SIGINT"; }
in_p ss -Hltn | grep -q ":$PORT " && fail "port $PORT still listening after exit"

# --- --metrics ADDR:PORT binds ADDR -------------------------------------------
bg_p addr "$ICMPMON" --metrics "$P_ADDR:$PORT" -i 0.1 "$ANSWERED"
pid=$BG_PID
wait_match "$TMPD/addr.out" "^64 bytes from $re: icmp_seq=2 " 10 || { diag_file "$TMPD/addr.err"; fail "--metrics ADDR:PORT: no reply"; }
listen=$(in_p ss -Hltn | awk -v p=":$PORT" '{ a = $4; if (substr(a, length(a) - length(p) + 1) == p) print a }' | sort -u | tr '\n' ' ')
[ "$listen" = "$P_ADDR:$PORT " ] || fail "--metrics $P_ADDR:$PORT listens on '$listen'"
in_r curl -sf --max-time 5 -o /dev/null "http://$P_ADDR:$PORT/-/healthy" || fail "--metrics $P_ADDR:$PORT: not reachable from the responder"
check_caps "$pid" "--metrics $P_ADDR:$PORT" 2 || fail "$WHY"
kill -INT "$pid"; bg_wait "$pid" 5
[ "$BG_RC" -eq 0 ] || fail "--metrics ADDR:PORT: exit $BG_RC after SIGINT"

# --- --daemon, before and after a SIGHUP reload ---------------------------------
printf '%s\n' "$ANSWERED" > "$TMPD/targets"
bg_p dmn "$ICMPMON" --daemon --file "$TMPD/targets" --metrics "$PORT" -i 0.1
pid=$BG_PID
for ((i = 0; i < 100; i++)); do
	in_p curl -sf --max-time 2 "http://127.0.0.1:$PORT/metrics" 2>/dev/null | grep -Eq '^icmpmon_replies_total\{.*\} [1-9]' && break
	sleep 0.1
done
[ "$i" -lt 100 ] || { diag_file "$TMPD/dmn.err"; fail "--daemon: no reply counted within 10 s"; }
check_caps "$pid" "--daemon" 2 || fail "$WHY"
printf '%s\n%s\n' "$ANSWERED" 10.201.0.8 > "$TMPD/targets"
kill -HUP "$pid"
wait_match "$TMPD/dmn.err" 'reloaded targets' 5 || { diag_file "$TMPD/dmn.err"; fail "--daemon: no reload line after SIGHUP"; }
check_caps "$pid" "--daemon after SIGHUP" 2 || fail "$WHY"
kill -TERM "$pid"; bg_wait "$pid" 5
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/dmn.err"; fail "--daemon: exit $BG_RC after SIGTERM"; }

# --- --mode socket ---------------------------------------------------------------
bg_p sock "$ICMPMON" --mode socket -i 0.1 "$ANSWERED"
pid=$BG_PID
wait_match "$TMPD/sock.out" "^64 bytes from $re: icmp_seq=2 " 10 || { diag_file "$TMPD/sock.err"; fail "--mode socket: no reply"; }
check_caps "$pid" "--mode socket" || fail "$WHY"
kill -INT "$pid"; bg_wait "$pid" 5
[ "$BG_RC" -eq 0 ] || fail "--mode socket: exit $BG_RC after SIGINT"

state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
