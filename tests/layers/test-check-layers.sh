#!/usr/bin/env bash
# check-layers must pass on the tree and fail on each planted forbidden include.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/icmpmon-layers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 failed=0

check() { # NAME EXPECTED_RC
	local rc
	"$here/check-layers.sh" "$tmp/tree" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$2" ]; then
		echo "ok - check-layers: $1"
		pass=$((pass + 1))
	else
		echo "not ok - check-layers: $1 (exit $rc, expected $2)"
		sed 's/^/#   /' "$tmp/out"
		failed=$((failed + 1))
	fi
}

plant() { # FILE LINE: a fresh copy of the tree with LINE added to FILE
	rm -rf "$tmp/tree"
	mkdir -p "$tmp/tree"
	cp -r "$root/src" "$root/bpf" "$tmp/tree/"
	[ -n "$1" ] && printf '%s\n' "$2" >>"$tmp/tree/$1"
}

plant "" ""
check "the tree as it is" 0
plant src/engine/run.c '#include "serve/exporter.h"'
check "engine including serve" 1
plant src/kernel/loader.c '#include "engine/run.h"'
check "kernel including engine" 1
plant src/output/ping.c '#include "engine/run.h"'
check "output including engine" 1
plant src/util/stats.c '#include "output/ping.h"'
check "util including output" 1
plant src/sink/ping.c '#include "icmpmon.skel.h"'
check "the skeleton outside kernel/" 1
plant src/engine/run.c '#include "wire.skel.h"'
check "the transmit-hook skeleton outside kernel/" 1
plant bpf/icmpmon.h '#include "util/clock.h"'
check "a contract header including the project" 1
plant src/engine/run.c '#include "run.h"'
check "an include without its folder" 1
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
