#!/usr/bin/env bash
# Bad input: exit status 2 (1 where iputils ping exits 1: bad numbers, no
# target), exactly one line on stderr (a bad option: that line, then the usage,
# as ping), nothing on stdout, and nothing attached in the namespace afterwards.
. "$(dirname "$0")/lib.sh"
topo_up

T=$ANSWERED
# One case a line: a label, the exit status, then the arguments (word-split; no quoting needed).
# (t_86_usage compares the ping letters' refusals with iputils ping's.)
CASES=$(cat <<EOC
unknown-host     2 -c 1 no-such-host.invalid
count-zero       1 -c 0 $T
count-nonnumeric 1 -c abc $T
interval-negative 2 -i -1 $T
size-too-big     1 -s 65508 $T
ttl-zero         2 -t 0 $T
ttl-too-big      1 -t 256 $T
unknown-iface    2 -c 1 -I nosuchif0 $T
unknown-flag     2u -Z $T
unknown-long     2u --bogus $T
no-target        1 -c 1
no-args          1
count-no-value   2u $T -c
mode-bogus       2 --mode bogus $T
xdp-mode-bogus   2 --xdp-mode bogus $T
ringbuf-3        2 --ringbuf-kib 3 $T
ringbuf-not-pow2 2 --ringbuf-kib 6 $T
pattern-not-hex  2 -p zz $T
consume-socket   2 --consume --mode socket $T
max-outst-zero   2 --max-outstanding 0 $T
attach-bogus     2 --attach bogus $T
tick-negative    2 --tick -1 $T
tick-too-big     2 --tick 101 $T
tick-nonnumeric  2 --tick soon $T
second-bad-host  2 -c 1 $T no-such-host.invalid
EOC
)

n=0
bad=""
while read -r label want args; do
	[ -n "$label" ] || continue
	usage=0
	[ "$want" = 2u ] && { usage=1; want=2; }
	n=$((n + 1))
	# shellcheck disable=SC2086 # the arguments are meant to be split
	IM_TIMEOUT=15 icmpmon_p "case" $args
	why=""
	if [ "$RC" -ne "$want" ]; then
		why="exit $RC, expected $want"
	elif [ "$usage" = 1 ] && ! sed -n 3p "$TMPD/case.err" | grep -q '^Usage'; then
		why="no usage after the message: '$(head -c 300 "$TMPD/case.err" | tr '\n' '|')'"
	elif [ "$usage" = 0 ] && { [ "$(wc -l < "$TMPD/case.err")" -ne 1 ] || [ "$(tail -c1 "$TMPD/case.err" | od -An -tx1 | tr -d ' ')" != 0a ]; }; then
		why="stderr is not exactly one line: '$(head -c 300 "$TMPD/case.err" | tr '\n' '|')'"
	elif ! grep -q '^icmpmon: ' "$TMPD/case.err"; then
		why="stderr does not start with 'icmpmon: ': '$(cat "$TMPD/case.err")'"
	elif [ -s "$TMPD/case.out" ]; then
		why="stdout is not empty: '$(head -c 300 "$TMPD/case.out" | tr '\n' '|')'"
	else
		state=$(attached_state)
		[ -z "$state" ] || why="left attached: $(echo "$state" | tr '\n' '|')"
	fi
	if [ -n "$why" ]; then
		diag "icmpmon $args: $why"
		bad="$bad $label"
	fi
done <<< "$CASES"
[ "$n" -ge 12 ] || fail "only $n cases ran"
[ -z "$bad" ] || fail "bad input not refused properly:$bad"
pass
