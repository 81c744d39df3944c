#!/usr/bin/env bash
# icmpmon end-to-end tests: needs root, iproute2, iputils ping, bpftool, jq.
#
#   ICMPMON=/abs/path/to/icmpmon tests/e2e/run.sh          all tests
#   tests/e2e/run.sh five_probes sigkill                    some, by name
#
# Each t_NN_NAME.sh runs in its own bash, with its own pair of network
# namespaces, and prints "ok - NAME", "not ok - NAME: reason" or
# "ok - NAME # SKIP reason"; before that, "ok - NAME/PART # SKIP reason" for
# each part it could not run. Every skip is counted as skipped, not passed.
# The last line is "N passed, M failed, K skipped"; the exit status is 1 if
# any failed. E2E_STRICT=1 counts every skip as a failure too (for a machine
# that must run everything).
set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${ICMPMON:=$E2E_DIR/../../build/icmpmon}"
ICMPMON=$(readlink -f "$ICMPMON")
export ICMPMON
TEST_TIMEOUT=${E2E_TEST_TIMEOUT:-240}

passed=0
failed=0
skipped=0

name_of() {
	local n
	n=$(basename "$1" .sh)
	n=${n#t_}
	echo "${n#[0-9][0-9]_}"
}

summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit $?
}

preflight() {
	local tool
	if [ "$(id -u)" -ne 0 ]; then
		echo "not ok - preflight: the e2e tests need root"
		return 1
	fi
	if [ ! -x "$ICMPMON" ]; then
		echo "not ok - preflight: ICMPMON=$ICMPMON is not an executable (run make first)"
		return 1
	fi
	for tool in ip tc ping bpftool jq timeout mount umount awk sed; do
		if ! command -v "$tool" >/dev/null; then
			echo "not ok - preflight: $tool is missing (make deps)"
			return 1
		fi
	done
}

mapfile -t all < <(ls "$E2E_DIR"/t_[0-9][0-9]_*.sh 2>/dev/null | sort)
tests=()
if [ $# -eq 0 ]; then
	tests=("${all[@]}")
else
	for want in "$@"; do
		want=$(basename "$want")
		found=""
		for t in "${all[@]}"; do
			b=$(basename "$t" .sh)
			if [ "$want" = "$(name_of "$t")" ] || [ "$want" = "$b" ] || [ "$want" = "$b.sh" ] ||
			   [ "$want" = "${b#t_}" ]; then
				found=$t
			fi
		done
		if [ -z "$found" ]; then
			echo "not ok - $want: no such test (have: $(for t in "${all[@]}"; do name_of "$t"; done | tr '\n' ' '))"
			failed=$((failed + 1))
		else
			tests+=("$found")
		fi
	done
fi

if ! preflight; then
	failed=$((failed + 1))
	summary
fi

# The binary under test, copied once: a rebuild during the run cannot swap it
# (or catch it half-written) between two tests.
work=$(mktemp -d /tmp/icmpmon-e2e-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Interrupted: the running test gets SIGTERM and cleans up after itself.
tpid=""
interrupted() {
	trap - INT TERM
	if [ -n "$tpid" ]; then
		kill -TERM "$tpid" 2>/dev/null
		wait "$tpid" 2>/dev/null
		cat "$log"
	fi
	echo "not ok - interrupted"
	failed=$((failed + 1))
	summary
}
trap interrupted INT TERM
cp "$ICMPMON" "$work/icmpmon" || { echo "not ok - preflight: cannot copy $ICMPMON"; failed=$((failed + 1)); summary; }
ICMPMON=$work/icmpmon

# Each test appends the names of the namespaces it creates.
export E2E_NS_FILE=$work/namespaces
: > "$E2E_NS_FILE"
start=$(date +%s)

for t in "${tests[@]}"; do
	name=$(name_of "$t")
	log=$work/log
	t0=$(date +%s.%N)
	timeout -k 15 "$TEST_TIMEOUT" bash "$t" >"$log" 2>&1 &
	tpid=$!
	wait "$tpid"
	rc=$?
	tpid=""
	t1=$(date +%s.%N)
	cat "$log"
	nskip=$(grep -Ec "^ok - $name/[^ ]+ # SKIP" "$log")
	if [ "$rc" -eq 0 ] && grep -Eq "^ok - $name # SKIP" "$log"; then
		nskip=$((nskip + 1))
	elif [ "$rc" -eq 0 ] && grep -Eq "^ok - $name$" "$log"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		if ! grep -Eq "^not ok - $name" "$log"; then
			if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
				echo "not ok - $name: timed out after ${TEST_TIMEOUT}s"
			else
				echo "not ok - $name: exit status $rc without a result line"
			fi
		fi
	fi
	if [ "$nskip" -gt 0 ] && [ "${E2E_STRICT:-0}" = 1 ]; then
		echo "not ok - $name: $nskip check(s) skipped (E2E_STRICT=1)"
		failed=$((failed + nskip))
	else
		skipped=$((skipped + nskip))
	fi
	awk -v a="$t0" -v b="$t1" -v n="$name" 'BEGIN { printf "#   (%s: %.1f s)\n", n, b - a }'
done

# Nothing of ours may outlive the tests: the namespaces this run's tests
# created (and with them their interfaces and icmpmon's programs in them).
# Namespaces of anything else running on the host are not looked at.
left=""
for ns in $(cat "$E2E_NS_FILE"); do
	[ -e "/run/netns/$ns" ] && left="$left $ns"
done
if [ -n "$left" ]; then
	echo "not ok - cleanup: namespaces left behind:$left"
	failed=$((failed + 1))
	for ns in $left; do
		# Only this run's tests put processes in these namespaces.
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	done
	rmdir /etc/netns 2>/dev/null
fi
echo "# suite time: $(($(date +%s) - start)) s"
summary
