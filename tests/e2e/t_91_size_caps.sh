#!/usr/bin/env bash
# Sizes (issue 12, row 10): the outstanding-probe map is sized from what can
# really be in flight (never more than -c probes per target, never more than
# the sender's rate times the timeout), and every size option has a
# documented maximum: beyond it, exit 2, one line, nothing attached.
. "$(dirname "$0")/lib.sh"
topo_up

BPFFS=$TMPD/bpffs
mkdir -p "$BPFFS"
mount -t bpf bpf "$BPFFS" || fail "cannot mount a bpf filesystem on $BPFFS"
MOUNTS+=("$BPFFS")

# -i 1e-9 -c 3 to a silent target: 3 probes in flight at most, so the smallest map; quick to start.
t0=$(date +%s%N)
bg_p tiny "$ICMPMON" --pin "$BPFFS/tiny" -i 1e-9 -c 3 -W 3 "$SILENT"
pid=$BG_PID
for ((i = 0; i < 200; i++)); do
	[ -e "$BPFFS/tiny/icmpmon_probes" ] && break
	alive "$pid" || break
	sleep 0.05
done
started_ms=$((($(date +%s%N) - t0) / 1000000))
size=$(bpftool -j map show pinned "$BPFFS/tiny/icmpmon_probes" 2>/dev/null | jq -r '.max_entries // empty')
bg_wait "$pid" 20
diag "-i 1e-9 -c 3: outstanding map of ${size:-?} entries, pinned after $started_ms ms, exit $BG_RC"
[ -n "$size" ] || { diag_file "$TMPD/tiny.err"; fail "-i 1e-9 -c 3: no pinned outstanding map to read"; }
[ "$size" -le 64 ] || fail "-i 1e-9 -c 3: the outstanding map holds $size entries for 3 probes"
grep -q 'can be in flight' "$TMPD/tiny.err" && { diag_file "$TMPD/tiny.err"; fail "-i 1e-9 -c 3: warns about probes in flight"; }
[ "$BG_RC" -eq 1 ] || { diag_file "$TMPD/tiny.out"; diag_file "$TMPD/tiny.err"; fail "-i 1e-9 -c 3 to a silent target: exit $BG_RC, expected 1"; }
grep -q "^3 packets transmitted, 0 received, 100% packet loss" "$TMPD/tiny.out" || { diag_file "$TMPD/tiny.out"; fail "-i 1e-9 -c 3: not 3 transmitted"; }

# Beyond the maxima: refused at once.
refused() {
	local name=$1 want=$2
	shift 2
	t0=$(date +%s%N)
	icmpmon_p "$name" "$@" -c 2 -i 0.2 "$ANSWERED"
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$RC" -eq 2 ] || { diag_file "$TMPD/$name.err"; fail "$*: exit $RC after $ms ms, expected 2"; }
	[ "$(wc -l < "$TMPD/$name.err")" -eq 1 ] && grep -q "$want" "$TMPD/$name.err" ||
		{ diag_file "$TMPD/$name.err"; fail "$*: not one line saying '$want'"; }
	[ ! -s "$TMPD/$name.out" ] || { diag_file "$TMPD/$name.out"; fail "$*: printed on stdout"; }
	state=$(attached_state)
	[ -z "$state" ] || fail "$*: left attached: $state"
}
refused mo "expected 1..4194304" --max-outstanding 67108864
refused mo1 "expected 1..4194304" --max-outstanding 4194305
refused rb "expected a power of two, 4..65536" --ringbuf-kib 1048576
refused rb1 "expected a power of two, 4..65536" --ringbuf-kib 131072
refused mt "expected 1..4194304" --daemon --file /dev/null --max-targets 4194305

# The maxima themselves are accepted (the ring buffer's: 64 MiB, quick to allocate).
icmpmon_p rbmax --ringbuf-kib 65536 -c 2 -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/rbmax.err"; fail "--ringbuf-kib 65536: exit $RC"; }
pass
