#!/usr/bin/env bash
# --pin DIR: the maps are pinned (with BTF) while the run lasts and unpinned
# at exit; a DIR that is not on a bpffs is refused before anything is attached.
. "$(dirname "$0")/lib.sh"
topo_up

MAPS="icmpmon_stats icmpmon_hists icmpmon_targets icmpmon_probes icmpmon_answer icmpmon_counter"
BPFFS=$TMPD/bpffs
mkdir -p "$BPFFS"
mount -t bpf bpf "$BPFFS" || fail "cannot mount a bpf filesystem on $BPFFS"
MOUNTS+=("$BPFFS")
PIN=$BPFFS/run

bg_p im "$ICMPMON" --pin "$PIN" -c 30 -i 0.1 "$ANSWERED"
pid=$BG_PID
if ! wait_match "$TMPD/im.out" "icmp_seq=3 " 10; then
	diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"
	fail "no third reply within 10 s"
fi
alive "$pid" || { diag_file "$TMPD/im.err"; fail "icmpmon ended early"; }
for m in $MAPS; do
	[ -e "$PIN/$m" ] || fail "$PIN/$m is not pinned while icmpmon runs (have: $(ls "$PIN" 2>&1 | tr '\n' ' '))"
done
bpftool map dump pinned "$PIN/icmpmon_stats" > "$TMPD/dump.txt" 2>&1 || { diag_file "$TMPD/dump.txt"; fail "bpftool map dump failed"; }
for field in '"received"' '"rtt_min_ns"' '"stamped"' '"txq_count"'; do
	grep -q "$field" "$TMPD/dump.txt" || { diag_file "$TMPD/dump.txt"; fail "no BTF field name $field in the dump"; }
done
bpftool -j map dump pinned "$PIN/icmpmon_stats" > "$TMPD/dump.json" 2>&1
received=$(jq -r '.[0].formatted.value.received' "$TMPD/dump.json" 2>/dev/null)
rtt_min=$(jq -r '.[0].formatted.value.rtt_min_ns' "$TMPD/dump.json" 2>/dev/null)
case "$received" in
'' | *[!0-9]*) diag_file "$TMPD/dump.json"; fail "cannot read received from the JSON dump" ;;
esac
[ "$received" -gt 0 ] || fail "received is $received in the pinned stats while replies are printed"
[ "$rtt_min" -gt 0 ] 2>/dev/null || fail "rtt_min_ns is '$rtt_min' after $received replies"
# One target, one entry.
[ "$(jq length "$TMPD/dump.json")" -eq 1 ] || fail "icmpmon_stats has $(jq length "$TMPD/dump.json") entries for one target"
# The histograms are in a map of their own, same index: its first replies are in hist.
bpftool -j map dump pinned "$PIN/icmpmon_hists" > "$TMPD/hists.json" 2>&1
in_hist=$(jq -r '[.[0].formatted.value.hist[]] | add' "$TMPD/hists.json" 2>/dev/null)
[ "$(jq length "$TMPD/hists.json" 2>/dev/null)" = 1 ] && [ "${in_hist:-0}" -gt 0 ] 2>/dev/null ||
	{ diag_file "$TMPD/hists.json"; fail "icmpmon_hists: no first reply in hist[] of the one target ('$in_hist')"; }

bg_wait "$pid" 20
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"; fail "icmpmon --pin exited $BG_RC"; }
check_ping_output "$TMPD/im.out" "$ANSWERED" 30 || { diag_file "$TMPD/im.out"; fail "icmpmon --pin: $WHY"; }
# The pins go with the process.
for m in $MAPS; do
	[ -e "$PIN/$m" ] && fail "$PIN/$m is still pinned after icmpmon exited"
done
state=$(attached_state)
[ -z "$state" ] || fail "left attached after --pin run: $state"

# Not a bpf filesystem: exit 2, one line on stderr, nothing on stdout, nothing attached.
NOT=$TMPD/not-bpffs-dir
icmpmon_p bad --pin "$NOT" -c 3 -i 0.2 "$ANSWERED"
[ "$RC" -eq 2 ] || { diag_file "$TMPD/bad.out"; diag_file "$TMPD/bad.err"; fail "--pin $NOT exited $RC, expected 2"; }
[ "$(wc -l < "$TMPD/bad.err")" -eq 1 ] && [ "$(tail -c1 "$TMPD/bad.err" | od -An -c | tr -d ' ')" = '\n' ] ||
	{ diag_file "$TMPD/bad.err"; fail "--pin $NOT: stderr is not exactly one line"; }
[ ! -s "$TMPD/bad.out" ] || { diag_file "$TMPD/bad.out"; fail "--pin $NOT printed on stdout"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached after a refused --pin: $state"
[ -d "$NOT" ] && diag "note: icmpmon created $NOT before refusing it (and left it)"
pass
