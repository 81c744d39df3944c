#!/usr/bin/env bash
# icmpmon linked as fping6 (issue 14, row 13) is fping -6, as Debian's
# /usr/bin/fping6 -> fping is: both are called by the name fping6 from PATH,
# side by side, outputs compared with the times masked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fping_compare.sh"
need_fping
FPING6=$(dirname "$FPING")/fping6
[ -x "$FPING6" ] || skip "no $FPING6 (Debian's fping package ships it)"

topo_up
topo6_up
mkdir "$TMPD/bin"
ln -s "$ICMPMON" "$TMPD/bin/fping6"
REF="env PATH=$(dirname "$FPING6") fping6"
IM="env PATH=$TMPD/bin fping6"

both alive ::1 "$ANSWERED6"
both count -c 2 -p 100 "$ANSWERED6"
both vcount -C 2 -q -p 100 ::1 "$ANSWERED6"
both six -6 -c 1 "$ANSWERED6"
# IPv4 addresses do not resolve for fping -6
both ipv4 "$ANSWERED6" "$ANSWERED"
both only_ipv4 -c 1 "$ANSWERED"
both minus4 -4 "$ANSWERED6"
both bad -Z "$ANSWERED6"

[ "$FAILS" = 0 ] || fail "$FAILS differences from fping6 (see above)"
pass
