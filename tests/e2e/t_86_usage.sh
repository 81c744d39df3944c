#!/usr/bin/env bash
# Issue #14 rows 9 (-p) and 11: icmpmon installed as "ping" refuses bad
# command lines as iputils ping 20221126 does (same first line on stderr,
# same exit status, the usage on stderr after a bad option and for -h), and
# -V answers in ping's version-line format.
. "$(dirname "$0")/lib.sh"
topo_up

mkdir -p "$TMPD/bin"
ln -s "$ICMPMON" "$TMPD/bin/ping"
T=$ANSWERED
CASES=$(cat <<EOC
no-target
count-zero       -c 0 $T
count-negative   -c -1 $T
count-garbage    -c x $T
count-no-value   $T -c
ttl-256          -t 256 $T
deadline-neg     -w -1 $T
deadline-garbage -w abc $T
linger-negative  -W -1 $T
interval-huge    -i 9999999 $T
pattern-not-hex  -p 1z2 $T
unknown-option   -Z $T
four-six         -4 -6 $T
EOC
)
bad=""
while read -r label args; do
	[ -n "$label" ] || continue
	# shellcheck disable=SC2086
	(cd /tmp && timeout 10 ip netns exec "$NS_P" ping $args >"$TMPD/p.out" 2>"$TMPD/p.err"); prc=$?
	# shellcheck disable=SC2086
	(cd /tmp && PATH=$TMPD/bin:$PATH timeout 10 ip netns exec "$NS_P" ping $args >"$TMPD/i.out" 2>"$TMPD/i.err"); irc=$?
	if [ "$irc" != "$prc" ]; then
		diag "$label (ping $args): exit $irc, ping's $prc"; bad="$bad $label"
	elif [ "$(head -n1 "$TMPD/i.err")" != "$(head -n1 "$TMPD/p.err")" ]; then
		diag "$label (ping $args): '$(head -n1 "$TMPD/i.err")', ping: '$(head -n1 "$TMPD/p.err")'"; bad="$bad $label"
	elif grep -q '^Usage' "$TMPD/p.err" && ! grep -q '^Usage' "$TMPD/i.err"; then
		diag "$label (ping $args): no usage on stderr"; bad="$bad $label"
	elif [ -s "$TMPD/i.out" ]; then
		diag "$label (ping $args): wrote to stdout"; bad="$bad $label"
	fi
done <<< "$CASES"
[ -z "$bad" ] || fail "not refused as ping refuses:$bad"

# -h: usage on stderr, exit 2; -V: "ping from ..." naming icmpmon and the iputils it follows.
PATH=$TMPD/bin:$PATH ping -h >"$TMPD/h.out" 2>"$TMPD/h.err"; rc=$?
[ "$rc" = 2 ] && [ ! -s "$TMPD/h.out" ] && grep -q 'Usage' "$TMPD/h.err" ||
	fail "ping -h: exit $rc, stdout $(wc -c < "$TMPD/h.out") bytes (ping: usage on stderr, exit 2)"
PATH=$TMPD/bin:$PATH ping -V >"$TMPD/v.out" 2>&1; rc=$?
grep -Eq '^ping from iputils [0-9]{8}$' <(ping -V) || fail "the reference ping -V is not 'ping from iputils DATE'"
[ "$rc" = 0 ] && grep -Eq '^ping from icmpmon [0-9.]+ \(iputils [0-9]{8} compatible\)$' "$TMPD/v.out" ||
	fail "ping -V: exit $rc, '$(head -n1 "$TMPD/v.out")'"
# Deliberate: -s above what one IPv4 datagram holds is refused, in ping's words and exit status 1
# (ping accepts up to 2^31-1 and then fails every send).
PATH=$TMPD/bin:$PATH ping -s 65508 "$T" >"$TMPD/s.out" 2>"$TMPD/s.err"; rc=$?
[ "$rc" = 1 ] && [ "$(cat "$TMPD/s.err")" = "ping: invalid argument: '65508': out of range: 0 <= value <= 65507" ] ||
	fail "ping -s 65508: exit $rc, '$(cat "$TMPD/s.err")'"
"$ICMPMON" -c 0 "$T" 2>&1 | grep -q '^icmpmon: invalid argument' || fail "invoked as icmpmon, messages do not start with 'icmpmon: '"

# Values ping takes: garbage after -i (warned about), -w 0 (no deadline), -p with an odd digit count.
for args in "-c 1 -i 0,2" "-c 1 -w 0" "-c 1 -p abc" "-c 1 -p 00112233445566778899aabbccddeeff0011"; do
	# shellcheck disable=SC2086
	(cd /tmp && timeout 10 ip netns exec "$NS_P" ping $args "$T" >"$TMPD/p.out" 2>"$TMPD/p.err"); prc=$?
	# shellcheck disable=SC2086
	(cd /tmp && PATH=$TMPD/bin:$PATH timeout 20 ip netns exec "$NS_P" ping $args "$T" >"$TMPD/i.out" 2>"$TMPD/i.err"); irc=$?
	[ "$irc" = "$prc" ] || { diag_file "$TMPD/i.err"; fail "ping $args: exit $irc, ping's $prc"; }
	cmp -s "$TMPD/i.err" "$TMPD/p.err" || { diag_file "$TMPD/i.err"; diag_file "$TMPD/p.err"; fail "ping $args: stderr differs"; }
	same_as_ping "$TMPD/i.out" "$TMPD/p.out" || fail "ping $args: output differs from ping's"
done
pass
