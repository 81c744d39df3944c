#!/usr/bin/env bash
# More bad input (t_10 has the basic command-line cases): conflicting options,
# empty, huge, endless and binary targets files, names that do not resolve or
# carry control characters, IPv6 where it cannot be used. Each: exit status 2
# within seconds, exactly one printable line on stderr starting "icmpmon: ",
# nothing on stdout, nothing attached.
. "$(dirname "$0")/lib.sh"
topo_up

T=$ANSWERED
D=$TMPD/files
mkdir -p "$D/dir"
: > "$D/empty"
printf '# nothing but comments\n\n   \t\n# %s\n' "$T" > "$D/comments"
printf '%s\n\0\n' "$T" > "$D/nul"
python3 -c 'import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))' > "$D/random"
head -c $((8 << 20)) /dev/zero | tr '\0' 'a' > "$D/longline"   # 8 MiB, no newline
truncate -s 4G "$D/sparse"                                    # 4 GiB of NULs, no newline
printf '%s\nno-such-host.invalid\n' "$T" > "$D/unresolved"
printf '%s\nbad\033[31mname\a\r\n' "$T" > "$D/control"
printf '::1\n' > "$D/v6"

# One case a line: a label, then the arguments (word-split; no quoting needed).
CASES=$(cat <<EOC
four-six          -4 -6 -c 1 $T
six-four          -6 -4 -c 1 $T
buckets-no-metrics --metrics-buckets 0.1 -c 1 $T
max-targets-alone --max-targets 10 -c 1 $T
daemon-hist       --daemon --hist $T
daemon-report     --daemon --report 1 $T
socket-ipv6       --mode socket -c 1 ::1
six-v4-literal    -6 -c 1 $T
four-v6-literal   -4 -c 1 ::1
file-empty        -c 1 --file $D/empty
file-comments     -c 1 --file $D/comments
file-dev-null     -c 1 --file /dev/null
file-nul          -c 1 --file $D/nul
file-random       -c 1 --file $D/random
file-long-line    -c 1 --file $D/longline
file-sparse-4g    -c 1 --file $D/sparse
file-dev-zero     -c 1 --file /dev/zero
file-missing      -c 1 --file $D/no-such-file
file-directory    -c 1 --file $D/dir
file-unresolved   -c 1 --file $D/unresolved
file-control      -c 1 --file $D/control
file-second-bad   -c 1 --file $D/comments --file $D/unresolved
file-v6-with-4    -4 -c 1 --file $D/v6
EOC
)

# check_case LABEL ARGS...: sets WHY when the case was not refused properly.
check_case() {
	local label=$1 t0 t1
	shift
	t0=$(date +%s%N)
	IM_TIMEOUT=15 icmpmon_p "case" "$@"
	t1=$(date +%s%N)
	WHY=""
	if [ "$RC" -ne 2 ]; then
		WHY="exit $RC, expected 2"
	elif [ $(((t1 - t0) / 1000000)) -gt 5000 ]; then
		WHY="took $(((t1 - t0) / 1000000)) ms"
	elif [ "$(wc -l < "$TMPD/case.err")" -ne 1 ] || [ "$(tail -c1 "$TMPD/case.err" | od -An -tx1 | tr -d ' ')" != 0a ]; then
		WHY="stderr is not exactly one line: '$(head -c 300 "$TMPD/case.err" | od -An -c | tr -s ' \n' ' ')'"
	elif head -c -1 "$TMPD/case.err" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		WHY="stderr has control characters: '$(od -An -c "$TMPD/case.err" | tr -s ' \n' ' ')'"
	elif ! grep -q '^icmpmon: ' "$TMPD/case.err"; then
		WHY="stderr does not start with 'icmpmon: ': '$(cat "$TMPD/case.err")'"
	elif [ -s "$TMPD/case.out" ]; then
		WHY="stdout is not empty: '$(head -c 300 "$TMPD/case.out" | tr '\n' '|')'"
	else
		state=$(attached_state)
		[ -z "$state" ] || WHY="left attached: $(echo "$state" | tr '\n' '|')"
	fi
	[ -z "$WHY" ] || return 1
	[ -n "${VERBOSE:-}" ] && diag "$label: $(cat "$TMPD/case.err")"
	return 0
}

n=0
bad=""
while read -r label args; do
	[ -n "$label" ] || continue
	n=$((n + 1))
	# shellcheck disable=SC2086 # the arguments are meant to be split
	if ! check_case "$label" $args; then
		diag "$label: icmpmon $args: $WHY"
		bad="$bad $label"
	fi
done <<< "$CASES"

# The refusals name the cause.
check_case msg-four-six -6 -4 -c 1 "$T" && grep -q 'only one -4 or -6' "$TMPD/case.err" || bad="$bad msg-four-six"
check_case msg-long-line -c 1 --file "$D/longline" && grep -q 'longline:1: line too long$' "$TMPD/case.err" || bad="$bad msg-long-line"
check_case msg-nul -c 1 --file "$D/nul" && grep -q 'nul:2: binary data in a targets file$' "$TMPD/case.err" || bad="$bad msg-nul"
check_case msg-unresolved -c 1 --file "$D/unresolved" && grep -q '^icmpmon: no-such-host\.invalid: ' "$TMPD/case.err" || bad="$bad msg-unresolved"
check_case msg-empty -c 1 --file "$D/empty" && grep -q 'no target' "$TMPD/case.err" || bad="$bad msg-empty"

# A namespace whose IPv6 is disabled: IPv6 targets have no route.
in_p sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
	net.ipv6.conf.lo.disable_ipv6=1 net.ipv6.conf."$VETH_P".disable_ipv6=1 >/dev/null ||
	fail "cannot disable IPv6 in $NS_P"
[ -z "$(ip -n "$NS_P" -6 addr show)" ] || fail "IPv6 addresses left in $NS_P after disabling IPv6"
for args in "-c 1 ::1" "-c 1 fd00:201::7" "-c 1 $T ::1" "-c 1 --file $D/v6" "--json -c 1 ::1"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	if [ "$args" = "--json -c 1 ::1" ]; then
		# --json: the line on stderr, and a single error object on stdout
		IM_TIMEOUT=15 icmpmon_p case $args
		if [ "$RC" -ne 2 ] || [ "$(wc -l < "$TMPD/case.err")" -ne 1 ] ||
			[ "$(jq -sc 'map(.type)' "$TMPD/case.out" 2>/dev/null)" != '["error"]' ]; then
			diag "no-ipv6 --json: exit $RC, stderr '$(cat "$TMPD/case.err")', stdout '$(cat "$TMPD/case.out")'"
			bad="$bad no-ipv6-json"
		fi
	elif ! check_case "no-ipv6" $args; then
		diag "IPv6 disabled: icmpmon $args: $WHY"
		bad="$bad no-ipv6($args)"
	fi
done
# And IPv4 still works there.
icmpmon_p ok -c 1 "$T"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/ok.err"; fail "with IPv6 disabled, an IPv4 target: exit $RC"; }
[ "$n" -ge 25 ] || fail "only $n cases ran"
[ -z "$bad" ] || fail "bad input not refused properly:$bad"
pass
