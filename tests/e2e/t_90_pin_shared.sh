#!/usr/bin/env bash
# Two runs with the same --pin DIR (issue 12, row 9): the second is refused
# (exit 2, one line, nothing attached) and leaves the first's pins alone; the
# first still removes its own pins at exit, and the directory is free again.
. "$(dirname "$0")/lib.sh"
topo_up

BPFFS=$TMPD/bpffs
mkdir -p "$BPFFS"
mount -t bpf bpf "$BPFFS" || fail "cannot mount a bpf filesystem on $BPFFS"
MOUNTS+=("$BPFFS")
PIN=$BPFFS/shared
pinned_id() { bpftool -j map show pinned "$PIN/$1" 2>/dev/null | jq -r '.id // empty'; }

# long enough to outlive the second run's load, however slow the machine
bg_p a "$ICMPMON" --pin "$PIN" -c 600 -i 0.1 "$ANSWERED"
A=$BG_PID
wait_match "$TMPD/a.out" "icmp_seq=3 " 10 || { diag_file "$TMPD/a.err"; fail "first run: no third reply within 10 s"; }
ids_a=$(for m in icmpmon_stats icmpmon_probes; do pinned_id $m; done | tr '\n' ' ')
[ -n "${ids_a// /}" ] || fail "first run: nothing pinned under $PIN"

icmpmon_p b --pin "$PIN" -c 3 -i 0.2 "$ANSWERED"
[ "$RC" -eq 2 ] || { diag_file "$TMPD/b.out"; diag_file "$TMPD/b.err"; fail "second run on the same --pin exited $RC, expected 2"; }
[ "$(wc -l < "$TMPD/b.err")" -eq 1 ] && grep -q "^icmpmon: --pin $PIN: in use by another icmpmon" "$TMPD/b.err" ||
	{ diag_file "$TMPD/b.err"; fail "second run: not the one 'in use' line"; }
ids_now=$(for m in icmpmon_stats icmpmon_probes; do pinned_id $m; done | tr '\n' ' ')
[ "$ids_now" = "$ids_a" ] || fail "the first run's pins were replaced or removed: map ids '$ids_a' -> '$ids_now'"
alive "$A" || { diag_file "$TMPD/a.out"; diag_file "$TMPD/a.err"; fail "the first run ended early"; }
# only the first run's filters: one egress filter on the prober's veth
n=$(tc -n "$NS_P" filter show dev "$VETH_P" egress 2>/dev/null | grep -c 'icmpmon_egress')
[ "$n" -le 1 ] || fail "$n icmpmon egress filters: the refused run left one"

kill -INT "$A"
bg_wait "$A" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/a.err"; fail "first run exited $BG_RC"; }
grep -Eq "^[0-9]+ packets transmitted, [0-9]+ received, 0% packet loss" "$TMPD/a.out" ||
	{ diag_file "$TMPD/a.out"; fail "first run: losses or no summary"; }
left=$(ls "$PIN" 2>/dev/null | tr '\n' ' ')
[ -z "$left" ] || fail "pins left after the first run exited: $left"
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"

# free again: a third run may use it
icmpmon_p c --pin "$PIN" -c 2 -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/c.err"; fail "a run after the first ended cannot use $PIN (exit $RC)"; }
pass
