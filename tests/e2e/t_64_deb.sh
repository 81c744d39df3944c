#!/usr/bin/env bash
# make deb: the package builds with debhelper and is lintian-clean (make deb
# fails otherwise); it ships the binary, icmpmon(8), the unit, conffiles for the
# targets and the options, the examples and the rules; its postinst enables the
# unit; and the packaged binary starts as the packaged unit starts it (nobody,
# the unit's capabilities, ExecStart's arguments with /etc/default/icmpmon's
# options) on the packaged targets file, answers /metrics and stops cleanly.
# The package is unpacked into a throwaway root rather than installed on this
# machine: nothing outside the test's directory and namespaces changes.
. "$(dirname "$0")/lib.sh"

REPO=$(cd "$E2E_DIR/../.." && pwd)
need dpkg-dev dpkg-buildpackage
need lintian
need systemd systemd-analyze
need util-linux setpriv
need curl

make -s -C "$REPO" deb > "$TMPD/deb.out" 2>&1 || { diag_file "$TMPD/deb.out"; fail "make deb failed"; }
version=$(sed -n 's/.*ICMPMON_VERSION "\(.*\)"/\1/p' "$REPO/src/util/version.h")
deb=$(ls "$REPO"/build/deb/icmpmon_"$version"_*.deb 2>/dev/null | head -1)
[ -f "$deb" ] || fail "no build/deb/icmpmon_${version}_*.deb"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version $(dpkg-deb -f "$deb" Version), source $version"

R=$TMPD/root
dpkg-deb -x "$deb" "$R"
dpkg-deb -e "$deb" "$TMPD/control"
for f in usr/sbin/icmpmon usr/share/man/man8/icmpmon.8.gz lib/systemd/system/icmpmon.service \
	etc/icmpmon/targets etc/default/icmpmon usr/share/doc/icmpmon/copyright \
	usr/share/icmpmon/prometheus/icmpmon-rules.yml usr/share/icmpmon/grafana/icmpmon-dashboard.json \
	usr/share/doc/icmpmon/examples/targets.example; do
	[ -e "$R/$f" ] || fail "the package lacks /$f"
done
for f in /etc/icmpmon/targets /etc/default/icmpmon; do
	grep -qx "$f" "$TMPD/control/conffiles" || fail "$f is not a conffile"
done
grep -q 'deb-systemd-helper .*enable.*icmpmon.service' "$TMPD/control/postinst" ||
	{ diag_file "$TMPD/control/postinst"; fail "postinst does not enable icmpmon.service"; }

U=$R/lib/systemd/system/icmpmon.service
exec_start=$(sed -n 's/^ExecStart=//p' "$U")
case $exec_start in
/usr/sbin/icmpmon\ *) ;;
*) fail "ExecStart=$exec_start does not run /usr/sbin/icmpmon" ;;
esac
mkdir -p "$TMPD/unit"
sed "s|/usr/sbin/icmpmon|$R/usr/sbin/icmpmon|" "$U" > "$TMPD/unit/icmpmon.service"
MANPATH=$R/usr/share/man: systemd-analyze verify "$TMPD/unit/icmpmon.service" > "$TMPD/verify" 2>&1 ||
	{ diag_file "$TMPD/verify"; fail "systemd-analyze verify rejects the packaged unit"; }

# ExecStart as systemd would expand it: $ICMPMON_OPTS from /etc/default/icmpmon,
# paths into the unpacked root.
opts=$(. "$R/etc/default/icmpmon" && echo "$ICMPMON_OPTS")
args=${exec_start#/usr/sbin/icmpmon }
args=${args//\$ICMPMON_OPTS/$opts}
args=${args//\/etc\/icmpmon\/targets/$R/etc/icmpmon/targets}
port=$(echo "$opts" | sed -n 's/.*--metrics [0-9.]*:\([0-9]*\).*/\1/p')
[ -n "$port" ] || fail "no --metrics port in /etc/default/icmpmon's ICMPMON_OPTS ($opts)"
target=$(grep -v '^#' "$R/etc/icmpmon/targets" | head -1)
[ "$target" = 127.0.0.1 ] || fail "the packaged targets file should watch 127.0.0.1 only, has '$target'"

topo_up
chmod 755 "$TMPD" "$R" "$R/etc" "$R/etc/icmpmon"
# shellcheck disable=SC2086 # args are ExecStart's words
bg_as_unit svc "$U" "$R/usr/sbin/icmpmon" $args
wait_match "$TMPD/svc.err" '^icmpmon: probing 1 targets' 10 || { diag_file "$TMPD/svc.err"; fail "the packaged unit's command did not start"; }
got=0
for _ in $(seq 1 40); do
	in_p curl -s -m 2 "http://127.0.0.1:$port/metrics" > "$TMPD/m" 2>/dev/null
	grep -Eq '^icmpmon_replies_total\{target="127.0.0.1",.*\} [1-9]' "$TMPD/m" && { got=1; break; }
	sleep 0.25
done
[ $got -eq 1 ] || { diag_file "$TMPD/m"; diag_file "$TMPD/svc.err"; fail "no replies from 127.0.0.1 in /metrics"; }
kill -TERM "$BG_PID"
bg_wait "$BG_PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/svc.err"; fail "exit $BG_RC after SIGTERM"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
