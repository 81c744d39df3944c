#!/usr/bin/env bash
# Bad input: exit status 2, exactly one line on stderr, nothing on stdout, and
# nothing attached in the namespace afterwards.
. "$(dirname "$0")/lib.sh"
topo_up

T=$ANSWERED
# One case a line: a label, then the arguments (word-split; no quoting needed).
CASES=$(cat <<EOC
unknown-host     -c 1 no-such-host.invalid
count-zero       -c 0 $T
count-nonnumeric -c abc $T
interval-negative -i -1 $T
size-too-big     -s 65508 $T
ttl-zero         -t 0 $T
ttl-too-big      -t 256 $T
timeout-zero     -W 0 $T
unknown-iface    -c 1 -I nosuchif0 $T
unknown-flag     -Z $T
unknown-long     --bogus $T
no-target        -c 1
no-args
count-no-value   $T -c
mode-bogus       --mode bogus $T
xdp-mode-bogus   --xdp-mode bogus $T
ringbuf-3        --ringbuf-kib 3 $T
ringbuf-not-pow2 --ringbuf-kib 6 $T
pattern-not-hex  -p zz $T
pattern-too-long -p 0123456789abcdef0123456789abcdef0 $T
consume-socket   --consume --mode socket $T
max-outst-zero   --max-outstanding 0 $T
attach-bogus     --attach bogus $T
tick-negative    --tick -1 $T
tick-too-big     --tick 101 $T
tick-nonnumeric  --tick soon $T
second-bad-host  -c 1 $T no-such-host.invalid
EOC
)

n=0
bad=""
while read -r label args; do
	[ -n "$label" ] || continue
	n=$((n + 1))
	# shellcheck disable=SC2086 # the arguments are meant to be split
	IM_TIMEOUT=15 icmpmon_p "case" $args
	why=""
	if [ "$RC" -ne 2 ]; then
		why="exit $RC, expected 2"
	elif [ "$(wc -l < "$TMPD/case.err")" -ne 1 ] || [ "$(tail -c1 "$TMPD/case.err" | od -An -tx1 | tr -d ' ')" != 0a ]; then
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
