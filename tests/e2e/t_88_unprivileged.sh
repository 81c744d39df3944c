#!/usr/bin/env bash
# Without root: as an ordinary user (nobody, no capabilities, no groups)
# icmpmon cannot load its BPF programs and measures through ICMP datagram
# sockets, as ping and fping do, where net.ipv4.ping_group_range allows them
# (set inside the test's prober namespace: it is per namespace). Compared with
# iputils ping run the same way (a copy without its file capability, so it
# too uses datagram sockets) and with fping (as root: Debian's 5.1 cannot
# read datagram sockets): the same output, times masked, and exit status; one
# line on stderr says which mode runs and why, -q keeps it. Replies, losses,
# ICMP errors (through a router), IPv6, the fping personality, --json and the
# metrics carry the mode; with the range
# closed, one line names the sysctl and the exit is ping's (2) and fping's
# (4); --mode dgram as root; --mode kernel as nobody does not fall back.
. "$(dirname "$0")/lib.sh"
need util-linux setpriv
need curl
need python3
FPING_SYS=${FPING:-/usr/bin/fping}
[ -x "$FPING_SYS" ] || fail "no $FPING_SYS: a requirement (make deps installs fping)"
topo_up
topo6_up
router_up

# Binaries nobody may run, without file capabilities (cp drops them).
chmod 755 "$TMPD"
mkdir -m 755 "$TMPD/bin"
cp "$ICMPMON" "$TMPD/bin/icmpmon" && cp "$(command -v ping)" "$TMPD/bin/ping" && cp "$FPING_SYS" "$TMPD/bin/fping" ||
	fail "cannot copy the binaries"
chmod 755 "$TMPD/bin/"*
IM=$TMPD/bin/icmpmon
PING=$TMPD/bin/ping
FPING=$TMPD/bin/fping
# (no file capability: no security.capability attribute; python3, which make
# deps installs, reads it where getcap may be missing)
has_fcaps() {
	python3 -c 'import errno, os, sys
try:
	os.getxattr(sys.argv[1], "security.capability")
except OSError as e:
	sys.exit(1 if e.errno == errno.ENODATA else 2)' "$1"
}
for b in "$IM" "$PING" "$FPING"; do
	has_fcaps "$b"
	case $? in
	0) fail "$b kept file capabilities" ;;
	1) ;;
	*) fail "cannot read the file capabilities of $b" ;;
	esac
done

set_range() { in_p sysctl -q -w net.ipv4.ping_group_range="$1" >/dev/null || fail "cannot set ping_group_range to $1"; }
set_range "0 2147483647"

# as_nobody NAME CMD...: CMD in the prober namespace as nobody, nothing else held.
as_nobody() {
	local name=$1
	shift
	run_p "$name" 30 setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all "$@"
}

MODE_LINE="icmpmon: cannot load the BPF programs (Operation not permitted): measuring through ICMP datagram sockets, as ping does without root (--mode dgram)"

# stderr is exactly the mode line.
only_mode_line() {
	local f=$TMPD/$1.err
	[ "$(cat "$f")" = "$MODE_LINE" ] || { diag_file "$f"; fail "$1: stderr is not the one line '$MODE_LINE'"; }
}

# vs_ping NAME WANT_RC ARGS...: icmpmon and ping as nobody with ARGS; the same
# stdout (times masked) and exit status WANT_RC; ping writes nothing on
# stderr, icmpmon the mode line.
vs_ping() {
	local name=$1 want=$2 rc_im
	shift 2
	as_nobody "$name" "$IM" "$@"
	rc_im=$RC
	as_nobody "$name.ping" "$PING" "$@"
	[ "$RC" -eq "$want" ] || { diag_file "$TMPD/$name.ping.out"; diag_file "$TMPD/$name.ping.err"; fail "$name: ping $* as nobody exited $RC, expected $want"; }
	[ -s "$TMPD/$name.ping.err" ] && { diag_file "$TMPD/$name.ping.err"; fail "$name: ping $* as nobody wrote to stderr"; }
	[ "$rc_im" -eq "$want" ] || { diag_file "$TMPD/$name.out"; diag_file "$TMPD/$name.err"; fail "$name: icmpmon $* as nobody exited $rc_im, expected $want"; }
	only_mode_line "$name"
	same_as_ping "$TMPD/$name.out" "$TMPD/$name.ping.out" || fail "$name: icmpmon $* differs from ping (times masked)"
}

# --- replies, IPv4 and IPv6, and -q ---------------------------------------------
vs_ping v4 0 -c 3 -i 0.2 "$ANSWERED"
check_ping_output "$TMPD/v4.out" "$ANSWERED" 3 || { diag_file "$TMPD/v4.out"; fail "v4: $WHY"; }
vs_ping v6 0 -c 3 -i 0.2 "$ANSWERED6"
check_target_block "$TMPD/v6.out" "$ANSWERED6" 3 || { diag_file "$TMPD/v6.out"; fail "v6: $WHY"; }
vs_ping quiet 0 -q -c 3 -i 0.2 "$ANSWERED"
diag "as nobody, like ping: replies (IPv4, IPv6) and -q; the mode line on stderr"

# --- loss, and ICMP errors from the error queue -------------------------------
vs_ping lost 1 -c 2 -i 0.2 -W 1 "$SILENT"
vs_ping ttl4 1 -t 1 -c 3 -i 0.2 "$DEST"
grep -q "^From $(re_quote "$R_ADDR") icmp_seq=1 Time to live exceeded$" "$TMPD/ttl4.out" ||
	{ diag_file "$TMPD/ttl4.out"; fail "ttl4: no Time to live exceeded line"; }
vs_ping ttl6 1 -6 -t 1 -c 3 -i 0.2 "$DEST6"
grep -q "^From $(re_quote "$R6_ADDR") icmp_seq=1 Time exceeded: Hop limit$" "$TMPD/ttl6.out" ||
	{ diag_file "$TMPD/ttl6.out"; fail "ttl6: no Time exceeded line"; }
diag "as nobody, like ping: a silent target, Time exceeded over IPv4 and IPv6"

# --- the fping personality ----------------------------------------------------
fmask() {
	sed -E -e 's#^[^ ]*fping: #fping: #' -e 's#([ (/])[0-9]+(\.[0-9]+)? (ms|avg)#\1T \3#g' \
		-e 's#min/avg/max = [0-9.]+/[0-9.]+/[0-9.]+#min/avg/max = T/T/T#' "$1"
}
# Debian's fping 5.1 cannot read replies from datagram sockets (it expects its
# own identifier, the kernel sets another): every probe "timed out" as nobody.
# The reference is fping with its raw socket.
as_nobody fp.nobody "$FPING" -c 1 "$ANSWERED"
diag "fping 5.1 itself as nobody: exit $RC, $(tail -n 1 "$TMPD/fp.nobody.err")"
run_p fp.ref 30 "$FPING_SYS" -c 3 -p 200 "$ANSWERED" "$SILENT" "$ANSWERED6"
rc_ref=$RC
as_nobody fp.im "$IM" fping -c 3 -p 200 "$ANSWERED" "$SILENT" "$ANSWERED6"
[ "$RC" -eq "$rc_ref" ] || { diag_file "$TMPD/fp.im.err"; fail "fping personality as nobody exited $RC, fping $rc_ref"; }
[ "$rc_ref" -eq 1 ] || { diag_file "$TMPD/fp.ref.err"; fail "fping exited $rc_ref, expected 1 (one target silent)"; }
[ "$(head -n 1 "$TMPD/fp.im.err")" = "$MODE_LINE" ] || { diag_file "$TMPD/fp.im.err"; fail "fping personality: the mode line is not first on stderr"; }
tail -n +2 "$TMPD/fp.im.err" > "$TMPD/fp.im.err2"
for s in out err; do
	a=$TMPD/fp.ref.$s
	b=$TMPD/fp.im.$s
	[ "$s" = err ] && b=$TMPD/fp.im.err2
	fmask "$a" > "$a.m"
	fmask "$b" > "$b.m"
	cmp -s "$a.m" "$b.m" || { diff -u "$a.m" "$b.m" | head -40 | sed 's/^/#   /'; fail "fping personality as nobody: std$s differs from fping's (as root)"; }
done
grep -q "^$(re_quote "$ANSWERED6") *: xmt/rcv/%loss = 3/3/0%" "$TMPD/fp.im.err" || { diag_file "$TMPD/fp.im.err"; fail "fping personality: $ANSWERED6 not 3/3"; }
# -q hides the rest of stderr, not the mode line
as_nobody fpq "$IM" fping -q -c 2 -p 200 "$ANSWERED"
[ "$RC" -eq 0 ] && [ "$(head -n 1 "$TMPD/fpq.err")" = "$MODE_LINE" ] || { diag_file "$TMPD/fpq.err"; fail "fping -q as nobody: exit $RC, or no mode line"; }
diag "as nobody, like fping: replies, a silent target, IPv6, exit status; -q keeps the mode line"

# --- --json and the metrics say the mode ---------------------------------------
as_nobody json "$IM" --json -c 2 -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/json.err"; fail "--json as nobody exited $RC"; }
[ "$(head -n 1 "$TMPD/json.out" | jq -r '.mode')" = dgram ] || { diag_file "$TMPD/json.out"; fail "--json: the start object's mode is not dgram"; }
[ "$(jq -s '[.[] | select(.type == "reply")] | length' "$TMPD/json.out")" -eq 2 ] ||
	{ diag_file "$TMPD/json.out"; fail "--json as nobody: not 2 replies"; }
PORT=9381
bg_p met setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all "$IM" --metrics "$PORT" -i 0.1 -c 100 "$ANSWERED"
pid=$BG_PID
wait_match "$TMPD/met.out" "icmp_seq=3 " 10 || { diag_file "$TMPD/met.err"; fail "--metrics as nobody: no reply"; }
in_p curl -sf --max-time 5 "http://127.0.0.1:$PORT/metrics" > "$TMPD/scrape.txt" || fail "cannot scrape the exporter run by nobody"
grep -Eq '^icmpmon_build_info\{version="[^"]*",mode="dgram"(,[^}]*)?\} 1$' "$TMPD/scrape.txt" ||
	{ grep build_info "$TMPD/scrape.txt" | sed 's/^/#   /'; fail "build_info has no mode=\"dgram\""; }
grep -Eq "^icmpmon_replies_total\{target=\"$(re_quote "$ANSWERED")\".*\} [1-9]" "$TMPD/scrape.txt" ||
	{ diag_file "$TMPD/scrape.txt"; fail "no replies counted in the scrape"; }
kill -INT "$pid"; bg_wait "$pid" 5
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/met.err"; fail "--metrics as nobody: exit $BG_RC after SIGINT"; }
diag "--json start object: mode dgram; icmpmon_build_info{mode=\"dgram\"}"

# --- the range closed: one line, ping's and fping's exit statuses --------------
set_range "1 0"
as_nobody closed.ping "$PING" -c 1 "$ANSWERED"
[ "$RC" -eq 2 ] || fail "ping with the range closed exited $RC, expected 2"
as_nobody closed "$IM" -c 1 "$ANSWERED"
[ "$RC" -eq 2 ] || { diag_file "$TMPD/closed.err"; fail "icmpmon with the range closed exited $RC, expected 2 (as ping)"; }
want='icmpmon: cannot load the BPF programs (Operation not permitted), and cannot open an ICMP datagram socket: group 65534 is outside net.ipv4.ping_group_range (1 0); allow it with sysctl -w net.ipv4.ping_group_range="0 2147483647", or run as root'
[ "$(cat "$TMPD/closed.err")" = "$want" ] || { diag_file "$TMPD/closed.err"; fail "range closed: stderr is not the one line '$want'"; }
[ -s "$TMPD/closed.out" ] && { diag_file "$TMPD/closed.out"; fail "range closed: something on stdout"; }
as_nobody closed6 "$IM" --mode dgram -c 1 "$ANSWERED6"
[ "$RC" -eq 2 ] && grep -q 'outside net.ipv4.ping_group_range (1 0); allow it with sysctl' "$TMPD/closed6.err" ||
	{ diag_file "$TMPD/closed6.err"; fail "--mode dgram, IPv6, range closed: exit $RC or no sysctl named"; }
as_nobody closedf.ref "$FPING" -c 1 "$ANSWERED"
rc_ref=$RC
as_nobody closedf "$IM" fping -c 1 "$ANSWERED"
[ "$RC" -eq "$rc_ref" ] && [ "$RC" -eq 4 ] || { diag_file "$TMPD/closedf.err"; fail "fping personality with the range closed exited $RC, fping $rc_ref (expected 4)"; }
grep -q '^fping: .*group 65534 is outside net.ipv4.ping_group_range (1 0); allow it with sysctl -w' "$TMPD/closedf.err" ||
	{ diag_file "$TMPD/closedf.err"; fail "fping personality, range closed: no line naming the sysctl"; }
set_range "0 2147483647"
diag "range closed: the sysctl named, exit 2 (ping) and 4 (fping)"

# --- --mode kernel does not fall back; --mode dgram as root ----------------------
as_nobody kern "$IM" --mode kernel -c 1 "$ANSWERED"
[ "$RC" -eq 2 ] && grep -q '^icmpmon: cannot load the BPF programs: Operation not permitted' "$TMPD/kern.err" ||
	{ diag_file "$TMPD/kern.err"; fail "--mode kernel as nobody: exit $RC, expected 2 with the loader's error"; }
icmpmon_p root --mode dgram -c 3 -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/root.err"; fail "--mode dgram as root exited $RC"; }
[ -s "$TMPD/root.err" ] && { diag_file "$TMPD/root.err"; fail "--mode dgram as root wrote to stderr (asked for: no mode line)"; }
same_as_ping "$TMPD/root.out" "$TMPD/v4.ping.out" || fail "--mode dgram as root differs from ping (times masked)"
state=$(attached_state)
[ -z "$state" ] || fail "something is attached after the dgram runs: $state"
pass
