#!/usr/bin/env bash
# Every name given is a host of its own (issue 14, row 3): names resolving to
# one address (web1.lab and web2.lab in the prober namespace's /etc/hosts,
# localhost and 127.0.0.1, an address given twice) each get their lines and
# statistics, as in fping, SmokePing's FPing probe included. icmpmon probes
# the address once per round and reports it under every name.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fping_compare.sh"
need_fping

topo_up
A=$ANSWERED
S=$SILENT
# ip netns exec bind-mounts this over /etc/hosts for the commands it runs
printf '127.0.0.1 localhost\n%s web1.lab\n%s web2.lab\n%s web3.lab\n%s web4.lab\n' "$A" "$A" "$S" "$S" \
	> "/etc/netns/$NS_P/hosts" || fail "cannot write /etc/netns/$NS_P/hosts"
in_p getent hosts web2.lab | grep -q "^$A " || fail "web2.lab does not resolve to $A in the prober namespace"

# SmokePing's FPing probe: fping -C N -q -B1 -r1 -i10 HOSTS, RTTs read from stderr per host.
both smokeping -C 3 -q -B1 -r1 -i10 -p 200 web1.lab web2.lab "$A" localhost 127.0.0.1
for h in web1.lab web2.lab "$A" localhost 127.0.0.1; do
	grep -Eq "^$(re_quote "$h") +: [0-9.]+ [0-9.]+ [0-9.]+$" "$TMPD/smokeping.im.err" ||
		differs smokeping "$h has no three RTTs"
done
both alive localhost 127.0.0.1 127.0.0.1
both alive_names web1.lab web2.lab "$A"
both count -c 2 -p 200 localhost 127.0.0.1 127.0.0.1
both count_q -c 2 -p 200 -q web1.lab web2.lab
both vcount_lost -C 2 -p 200 -q web3.lab web4.lab "$S"
both stats -s -c 2 -p 200 web1.lab web2.lab
both addr -A -a localhost 127.0.0.1
both rdns -d -c 1 web2.lab "$A"
both unreach -u -r 0 -t 100 web3.lab "$A" web4.lab
both reach -x 4 -r 0 -t 100 web1.lab web2.lab web3.lab web4.lab

[ "$FAILS" = 0 ] || fail "$FAILS differences from fping 5.1 (see above)"
pass
