#!/usr/bin/env bash
# The fping personality against Debian's fping 5.1: the same arguments and
# targets in the prober namespace, stdout and stderr compared line by line
# with the times masked, and the exit statuses.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fping_compare.sh"
need_fping

topo_up

A=$ANSWERED
S=$SILENT

# Default mode: is it alive, with retries (-r 3) and backoff (1.5) for the
# silent target (-s: 4 timeouts, 5 probes sent).
both alive_e -e "$A" "$S" -r 1
both alive_a -a -r 1 -t 200 "$S" "$A"
both alive_u -u -r 1 -t 200 "$S" "$A"
both alive_all_up "$A" 10.201.0.8
both alive_s -s "$A" "$S"
both alive_retries -s -t 50 -r 2 -B 2 "$S"
both alive_x -x 1 -r 0 -t 100 "$A" "$S"
both alive_x2 -x 2 -r 0 -t 100 "$A" "$S"
both generate -g 10.201.0.0/30
both generate_range -g 10.201.0.1 10.201.0.4 -r 0 -t 100
printf '# targets\n%s\n\n  10.201.0.3   trailing words\n#%s\n%s\n' "$A" "$S" 10.201.0.4 > "$TMPD/targets"
both file -f "$TMPD/targets"
STDIN=$TMPD/targets both stdin_file -c 1 -f -
STDIN=$TMPD/targets both stdin_implicit -c 1

# Count mode: per-reply lines and summaries.
both count -c 3 -p 100 "$A"
both count_two --sort -c 3 -p 100 "$A" "$S"
both count_q -c 3 -p 100 -q "$A" "$S"
both count_s -c 3 -p 100 -s "$A"
both count_D -D -c 2 -p 100 "$A"
both count_b -c 2 -p 100 -b 100 "$A"
both count_o -c 2 -p 100 -o "$S"
both count_a -c 2 -p 100 -a "$A" "$S"
both count_t --sort -c 2 -p 100 -t 300 "$A" "$S"
both vcount --sort -C 3 -p 100 "$A" "$S"
both vcount_q -C 3 -p 100 -q "$A" "$S"
both vcount_n -C 2 -p 100 -n 10.201.0.1
both count_A -A -c 1 "$A"
both count_long --count=2 --period=100 "$A"
# Socket options: interface, TTL, TOS, source address, don't fragment.
both count_I -I "$VETH_P" -c 1 "$A"
both count_H -H 1 -c 1 "$A"
both count_O -O 0x10 -c 1 "$A"
both count_S -S "$P_ADDR" -c 1 "$A"
both count_S_bad -S 10.99.0.1 -c 1 "$A"
both count_big -b 2000 -c 2 -p 100 "$A"
both count_M -M -b 2000 -c 2 -p 100 "$A"
# A probe the socket refuses (too big for the path with DF set): default mode
# warns and gives the target up without retrying.
both alive_M -M -b 2000 "$A"
# The prober's own loopback, both families.
both lo4 -c 2 -p 100 127.0.0.1
both lo6 -c 2 -p 100 ::1
both lo6_alive -6 -e ::1 -A

# Names: one that does not resolve (the namespace's resolver is 127.0.0.1, nothing listens).
both noaddr nonexistent.invalid "$A"
both noaddr_q -q nonexistent.invalid "$A"
both noaddr_only -c 1 nonexistent.invalid

# -Q: interval blocks on stderr. How many probes fall in each interval, and
# whether one more block fits before the end, is timing: the first block and
# the totals are compared, and every block's lines are fping's.
run_p q.ref 60 "$FPING" -c 5 -p 200 -Q 0.4 "$A" "$S"
rc_ref=$RC
run_p q.im 60 "$ICMPMON" fping -c 5 -p 200 -Q 0.4 "$A" "$S"
rc_im=$RC
[ "$rc_ref" = "$rc_im" ] || differs q "exit status: fping $rc_ref, icmpmon $rc_im"
for f in ref im; do
	# the two lines after each [HH:MM:SS] are the interval's
	mask < "$TMPD/q.$f.err" | awk -v blocks="$TMPD/q.$f.blocks" -v first="$TMPD/q.$f.first" '
		/^\[HH:MM:SS\]$/ { k = 2; n++; print > blocks; if (n == 1) print > first; next }
		k > 0 { sub(/= [0-9]+\/[0-9]+\/[0-9]+%/, "= N/N/N%"); k--; print > blocks; if (n == 1) print > first; next }
		{ print }' > "$TMPD/q.$f.totals"
done
for part in first totals; do
	cmp -s "$TMPD/q.ref.$part" "$TMPD/q.im.$part" ||
		{ differs q "-Q $part differs"; show_diff "$TMPD/q.ref.$part" "$TMPD/q.im.$part"; }
done
grep -q . "$TMPD/q.im.out" && differs q "-Q printed on stdout"
nb=$(grep -c '^\[HH:MM:SS\]$' "$TMPD/q.im.blocks")
[ "$nb" -ge 1 ] && [ "$nb" -le 3 ] || { differs q "$nb -Q blocks in about 1 s at 0.4 s"; diag_file "$TMPD/q.im.err"; }
grep -Ev '^\[HH:MM:SS\]$|^10\.20[12]\.0\.[0-9]+ : xmt/rcv/%loss = N/N/N%(, min/avg/max = T/T/T)?$' "$TMPD/q.im.blocks" |
	grep -q . && { differs q "malformed -Q block lines"; diag_file "$TMPD/q.im.err"; }

# -l until SIGINT: how many probes go out is timing; the shape of the output is not.
for f in ref im; do
	if [ $f = ref ]; then cmd=("$FPING"); else cmd=("$ICMPMON" fping); fi
	bg_p "loop.$f" "${cmd[@]}" -l -p 100 "$A"
	pid=$BG_PID
	# icmpmon loads its BPF programs first: start the clock at the third reply
	wait_match "$TMPD/loop.$f.out" '\[2\]' 15 || differs loop "$f: no third reply in 15 s"
	sleep 0.5
	kill -INT "$pid"
	bg_wait "$pid" 10
	eval "rc_$f=\$BG_RC"
	mask < "$TMPD/loop.$f.out" | sed -E 's/\[[0-9]+\]/[N]/' | uniq > "$TMPD/loop.$f.mout"
	mask < "$TMPD/loop.$f.err" | sed -E 's#= [0-9]+/[0-9]+/#= N/N/#' > "$TMPD/loop.$f.merr"
done
[ "$rc_ref" = "$rc_im" ] || differs loop "exit status: fping $rc_ref, icmpmon $rc_im"
cmp -s "$TMPD/loop.ref.mout" "$TMPD/loop.im.mout" || { differs loop "stdout shape differs"; show_diff "$TMPD/loop.ref.mout" "$TMPD/loop.im.mout"; }
cmp -s "$TMPD/loop.ref.merr" "$TMPD/loop.im.merr" || { differs loop "stderr differs"; show_diff "$TMPD/loop.ref.merr" "$TMPD/loop.im.merr"; }
# icmpmon's own loop: indices from 0, one line per probe, the summary agrees with them.
n=$(grep -c ' : \[' "$TMPD/loop.im.out")
want=$(seq 0 $((n - 1)) | tr '\n' ' ')
got=$(sed -E 's/.* : \[([0-9]+)\].*/\1/' "$TMPD/loop.im.out" | tr '\n' ' ')
[ "$n" -ge 6 ] && [ "$got" = "$want" ] || differs loop "-l indices '$got' (expected 0..$((n - 1)), at least 6)"
grep -Eq "^$A : xmt/rcv/%loss = $n/$n/0%, " "$TMPD/loop.im.err" ||
	{ differs loop "-l summary does not count $n replies"; diag_file "$TMPD/loop.im.err"; }

# Bad arguments: t_44_fping_bad_args.sh.
# An unreadable file is a system error (4), for fping too.
both nofile -f "$TMPD/no-such-file"

# Installed as "fping": the personality follows argv[0].
ln -s "$ICMPMON" "$TMPD/fping"
run_p argv0 30 "$TMPD/fping" -c 1 "$A"
[ "$RC" = 0 ] || differs argv0 "a link named fping exited $RC"
grep -Eq "^$A : \[0\], 64 bytes, [0-9.]+ ms \([0-9.]+ avg, 0% loss\)$" "$TMPD/argv0.out" ||
	{ differs argv0 "a link named fping does not talk like fping"; diag_file "$TMPD/argv0.out"; }

# The ping personality is untouched.
icmpmon_p ping -c 1 "$A"
[ "$RC" = 0 ] && grep -q "^PING $A ($A) 56(84) bytes of data.$" "$TMPD/ping.out" ||
	differs ping "icmpmon without the fping personality does not talk like ping"

# Duplicates: the responder's veth mirrors each echo request to its loopback,
# so every probe is answered twice (as in t_07_duplicates.sh). With per-reply
# lines fping drops them silently, otherwise it reports them on stderr. The
# last probe's duplicate may come after either program has finished.
if in_r tc qdisc add dev "$VETH_R" clsact 2>/dev/null &&
	in_r tc filter add dev "$VETH_R" ingress protocol ip prio 1 u32 \
		match ip protocol 1 0xff match u8 8 0xff at 20 \
		action mirred ingress mirror dev lo 2>/dev/null; then
	both dup_count -c 3 -p 200 "$A"
	DROP='duplicate for \[2\]' both dup_quiet -q -c 3 -p 200 "$A"
	grep -q "^$A : duplicate for \[0\], 64 bytes, [0-9.]* ms$" "$TMPD/dup_quiet.im.err" ||
		{ differs dup "no duplicate line for [0] with -q"; diag_file "$TMPD/dup_quiet.im.err"; }
	DROP='duplicate for \[2\]' both dup_vcount -C 3 -p 200 -q "$A"
else
	echo "# (duplicates not tested: cannot install the mirred filter)"
fi

[ "$FAILS" = 0 ] || fail "$FAILS differences from fping 5.1 (see above)"
pass
