#!/usr/bin/env bash
# Duplicate replies: the responder's veth mirrors each incoming echo request
# to its own loopback (tc u32 + mirred), so its kernel answers every probe twice.
. "$(dirname "$0")/lib.sh"
topo_up

N=4
in_r tc qdisc add dev "$VETH_R" clsact 2>"$TMPD/tc.err" &&
in_r tc filter add dev "$VETH_R" ingress protocol ip prio 1 u32 \
	match ip protocol 1 0xff match u8 8 0xff at 20 \
	action mirred ingress mirror dev lo 2>>"$TMPD/tc.err" ||
	skip "cannot install the duplicating tc filter (needs cls_u32 and act_mirred): $(head -n1 "$TMPD/tc.err")"

# The reference: iputils ping must see the duplicates, or the setup does not work here.
run_p ping 30 ping -c "$N" -i 0.2 "$ANSWERED"
pdups=$(grep -c ' (DUP!)$' "$TMPD/ping.out")
if [ "$pdups" -lt $((N - 1)) ]; then
	diag_file "$TMPD/ping.out"
	skip "the mirred setup does not duplicate replies here (ping saw $pdups duplicates)"
fi

# check_dups NAME: N probes, each answered once plus once more.
check_dups() {
	local name=$1 f=$TMPD/$1.out re=${ANSWERED//./\\.} seqs dseqs want nd sd
	want=$(seq 1 "$N" | tr '\n' ' ')
	seqs=$(grep -E "^64 bytes from $re: icmp_seq=[0-9]+ ttl=64 time=[0-9.]+ ms$" "$f" |
		sed -E 's/.*icmp_seq=([0-9]+) .*/\1/' | tr '\n' ' ')
	[ "$seqs" = "$want" ] || { diag_file "$f"; fail "$name: first replies have seqs '$seqs', expected '$want'"; }
	dseqs=$(grep -E "^64 bytes from $re: icmp_seq=[0-9]+ ttl=64 time=[0-9.]+ ms \(DUP!\)$" "$f" |
		sed -E 's/.*icmp_seq=([0-9]+) .*/\1/' | tr '\n' ' ')
	nd=$(echo "$dseqs" | wc -w)
	# Probes 1..N-1 have their duplicate long before the run ends; the last
	# one's may come after icmpmon has stopped (ping does not wait for it either).
	case "$dseqs" in
	"$(seq 1 $((N - 1)) | tr '\n' ' ')" | "$want") ;;
	*) diag_file "$f"; fail "$name: (DUP!) lines have seqs '$dseqs', expected 1..$((N - 1)) or 1..$N" ;;
	esac
	# Each duplicate comes after its first reply.
	awk '/icmp_seq=/ { match($0, /icmp_seq=[0-9]+/); s = substr($0, RSTART + 9, RLENGTH - 9)
		if (/DUP!/) { if (!(s in first)) bad = 1 } else first[s] = 1 }
		END { exit bad }' "$f" || { diag_file "$f"; fail "$name: a (DUP!) line before its first reply"; }
	sd=$(grep -Eo "^$N packets transmitted, $N received, \+[0-9]+ duplicates, 0% packet loss, time [0-9]+ms$" "$f" |
		sed -E 's/.*\+([0-9]+) duplicates.*/\1/')
	[ -n "$sd" ] || { diag_file "$f"; fail "$name: counts line is '$(grep transmitted "$f")'"; }
	# The summary counts what the kernel matched; a last duplicate that came in
	# after the last ring-buffer read is counted but has no line.
	if [ "$sd" -ne "$nd" ] && ! { [ "$sd" -eq $((nd + 1)) ] && [ "$sd" -le "$N" ]; }; then
		diag_file "$f"; fail "$name: summary says +$sd duplicates, $nd (DUP!) lines"
	fi
	# Lines and summary agree unless a last duplicate has no line.
	local how=""
	[ "$sd" -ne "$nd" ] && how=order-only
	check_rtt_line "$f" "$ANSWERED" "$how" || { diag_file "$f"; fail "$name: $WHY"; }
}

icmpmon_p im -c "$N" -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"; fail "icmpmon exited $RC, expected 0"; }
check_dups im

icmpmon_p sock --mode socket -c "$N" -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/sock.out"; diag_file "$TMPD/sock.err"; fail "icmpmon --mode socket exited $RC, expected 0"; }
check_dups sock
pass
