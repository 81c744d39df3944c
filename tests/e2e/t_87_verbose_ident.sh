#!/usr/bin/env bash
# Issue #14 row 9: with -v a reply line carries ping's " ident=N" (N: the
# identifier of this run's probes), as iputils ping prints it.
. "$(dirname "$0")/lib.sh"
topo_up

run_p ping 20 ping -v -c 2 -i 0.2 "$ANSWERED"
grep -Eq "^64 bytes from $ANSWERED: icmp_seq=1 ident=[0-9]+ ttl=64 time=" "$TMPD/ping.out" ||
	{ diag_file "$TMPD/ping.out"; fail "the reference ping -v has no ident= in its reply lines"; }
icmpmon_p im -v -c 2 -i 0.2 "$ANSWERED"
[ "$RC" = 0 ] || { diag_file "$TMPD/im.err"; fail "icmpmon -v exited $RC"; }
# shape: the reply lines as ping's, the identifier masked
sed -nE 's/ident=[0-9]+/ident=N/; s/time=[0-9.]+ ms/time=T ms/; /^64 bytes/p' "$TMPD/im.out" > "$TMPD/im.lines"
sed -nE 's/ident=[0-9]+/ident=N/; s/time=[0-9.]+ ms/time=T ms/; /^64 bytes/p' "$TMPD/ping.out" > "$TMPD/ping.lines"
cmp -s "$TMPD/im.lines" "$TMPD/ping.lines" ||
	{ diag_file "$TMPD/im.lines"; diag_file "$TMPD/ping.lines"; fail "-v reply lines differ from ping's"; }
# one identifier for the run, the same on every line
[ "$(grep -oE 'ident=[0-9]+' "$TMPD/im.out" | sort -u | wc -l)" = 1 ] || fail "more than one ident in one run"
pass
