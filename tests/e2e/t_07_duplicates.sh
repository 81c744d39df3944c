#!/usr/bin/env bash
# Duplicate replies: a tc program on the responder's veth sends every echo
# reply twice (tests/e2e/progs/shaper.bpf.c, -DDUP_REPLIES), so each probe is
# answered once plus once more. No skip: if the duplicating set-up does not
# work, the test fails.
. "$(dirname "$0")/lib.sh"
topo_up

N=4
shaper_on egress -DDUP_REPLIES

# The reference: iputils ping sees the duplicates (the set-up works).
run_p ping 30 ping -c "$N" -i 0.2 "$ANSWERED"
pdups=$(grep -c ' (DUP!)$' "$TMPD/ping.out")
if [ "$pdups" -lt $((N - 1)) ] || [ "$(shaper_count)" -lt "$N" ]; then
	diag_file "$TMPD/ping.out"
	fail "the responder's duplicator does not work: ping saw $pdups duplicates, the shaper made $(shaper_count)"
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
