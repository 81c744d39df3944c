#!/usr/bin/env bash
# Packaging: make install into a DESTDIR lays out the binary, icmpmon(8), the
# systemd unit, the examples, the rules and the dashboard; systemd-analyze verify accepts the unit, the
# man page renders without a warning, promtool accepts the rules, the dashboard
# is JSON; and icmpmon runs as the unit runs it, as a non-root user holding
# only the unit's capabilities (--daemon, --metrics, a SIGHUP reload).
. "$(dirname "$0")/lib.sh"

REPO=$(cd "$E2E_DIR/../.." && pwd)
D=$TMPD/root
need systemd systemd-analyze
need man-db man
need groff-base groff
need prometheus promtool
need util-linux setpriv
need curl

make -s -C "$REPO" install DESTDIR="$D" PREFIX=/usr/local > "$TMPD/install.out" 2>&1 ||
	{ diag_file "$TMPD/install.out"; fail "make install failed"; }
for f in sbin/icmpmon share/man/man8/icmpmon.8 lib/systemd/system/icmpmon.service \
	share/doc/icmpmon/examples/targets.example share/doc/icmpmon/examples/icmpmon.default \
	share/icmpmon/prometheus/icmpmon-rules.yml share/icmpmon/prometheus/icmpmon-rules.test.yml \
	share/icmpmon/grafana/icmpmon-dashboard.json; do
	[ -f "$D/usr/local/$f" ] || fail "make install did not install /usr/local/$f"
done
[ -x "$D/usr/local/sbin/icmpmon" ] || fail "the binary is not executable"
U=$D/usr/local/lib/systemd/system/icmpmon.service
grep -q '^ExecStart=/usr/local/sbin/icmpmon --daemon ' "$U" || fail "ExecStart does not name /usr/local/sbin/icmpmon"
grep -q '@SBINDIR@' "$U" && fail "@SBINDIR@ left in the unit"

# verify checks that ExecStart's binary exists and that man finds the
# Documentation= page: point both at the staged copies.
mkdir -p "$TMPD/man/man8" "$TMPD/unit"
cp "$D/usr/local/share/man/man8/icmpmon.8" "$TMPD/man/man8/"
sed "s|/usr/local/sbin/icmpmon|$D/usr/local/sbin/icmpmon|" "$U" > "$TMPD/unit/icmpmon.service"
MANPATH=$TMPD/man: systemd-analyze verify "$TMPD/unit/icmpmon.service" > "$TMPD/verify" 2>&1 ||
	{ diag_file "$TMPD/verify"; fail "systemd-analyze verify rejects the unit"; }
[ -s "$TMPD/verify" ] && { diag_file "$TMPD/verify"; fail "systemd-analyze verify complains"; }

groff -ww -z -man "$REPO/docs/icmpmon.8" > "$TMPD/groff" 2>&1
[ -s "$TMPD/groff" ] && { diag_file "$TMPD/groff"; fail "groff warns about icmpmon.8"; }
MANWIDTH=80 man -l "$REPO/docs/icmpmon.8" > "$TMPD/man.txt" 2>"$TMPD/man.err" || fail "man -l fails"
for s in NAME SYNOPSIS OPTIONS "FPING PERSONALITY" METRICS SIGNALS "EXIT STATUS" FILES "INSPECTING WITH BPFTOOL"; do
	grep -q "^$s" "$TMPD/man.txt" || fail "no $s section in the rendered man page"
done
promtool check rules "$REPO/docs/packaging/icmpmon-rules.yml" > "$TMPD/rules" 2>&1 || { diag_file "$TMPD/rules"; fail "promtool check rules"; }
jq -e '.panels | length > 0' "$REPO/docs/packaging/grafana-dashboard.json" >/dev/null || fail "the dashboard is not JSON with panels"

# The unit's capabilities, and nothing else, are enough: run the installed binary
# as nobody with exactly AmbientCapabilities.
topo_up
printf '%s\n' "$ANSWERED" > "$TMPD/targets"
chmod 755 "$TMPD"
chmod 644 "$TMPD/targets"
bg_as_unit svc "$U" "$D/usr/local/sbin/icmpmon" --daemon --file "$TMPD/targets" -i 0.1 --metrics 9374
wait_match "$TMPD/svc.err" '^icmpmon: probing 1 targets' 10 || { diag_file "$TMPD/svc.err"; fail "no start as nobody with the unit's capabilities"; }
printf '%s\n%s\n' "$ANSWERED" 10.201.0.8 > "$TMPD/targets"
sleep 0.5
kill -HUP "$BG_PID"
wait_match "$TMPD/svc.err" 'reloaded targets: 1 kept, 1 added' 5 || { diag_file "$TMPD/svc.err"; fail "no reload as nobody"; }
sleep 1
in_p curl -s -m 5 http://127.0.0.1:9374/metrics > "$TMPD/m"
grep -Eq '^icmpmon_replies_total\{target="10.201.0.8",.*\} [1-9]' "$TMPD/m" || { diag_file "$TMPD/m"; fail "no replies from the added target"; }
kill -TERM "$BG_PID"
bg_wait "$BG_PID" 10
[ "$BG_RC" -eq 0 ] || { diag_file "$TMPD/svc.err"; fail "exit $BG_RC after SIGTERM"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
