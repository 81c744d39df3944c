#!/usr/bin/env bash
# The kernel refuses XDP. lo has no native XDP: --attach xdp --xdp-mode native
# exits 2 with one line; --xdp-mode native with --attach auto says so in one
# line and catches replies in tc ingress; --xdp-mode auto falls back to
# generic XDP silently. (Another program's XDP on the interface: t_23_foreign_xdp.)
. "$(dirname "$0")/lib.sh"
topo_up

LO=127.0.0.1
# one_line FILE: exactly one newline-terminated line starting with "icmpmon: ".
one_line() {
	[ "$(wc -l < "$1")" -eq 1 ] && [ "$(tail -c1 "$1" | od -An -tx1 | tr -d ' ')" = 0a ] && grep -q '^icmpmon: ' "$1"
}
hook_of() { jq -sr 'map(select(.type == "start"))[0].interfaces | map("\(.name)=\(.hook)") | join(",")' "$1"; }

# --- lo, native only: refused -------------------------------------------------
icmpmon_p nat --attach xdp --xdp-mode native -c 2 -i 0.2 "$LO"
[ "$RC" -eq 2 ] || { diag_file "$TMPD/nat.out"; diag_file "$TMPD/nat.err"; fail "--attach xdp --xdp-mode native on lo: exit $RC, expected 2"; }
one_line "$TMPD/nat.err" || { diag_file "$TMPD/nat.err"; fail "--attach xdp --xdp-mode native on lo: stderr is not one 'icmpmon: ' line"; }
grep -q 'lo: cannot attach XDP (native mode)' "$TMPD/nat.err" || { diag_file "$TMPD/nat.err"; fail "the error does not say what failed"; }
[ ! -s "$TMPD/nat.out" ] || { diag_file "$TMPD/nat.out"; fail "--attach xdp --xdp-mode native on lo: stdout is not empty"; }
state=$(attached_state)
[ -z "$state" ] || fail "left attached after a refused XDP attach: $state"
diag "refused: $(cat "$TMPD/nat.err")"

# --- lo, native with --attach auto: tc ingress, said in one line ---------------
icmpmon_p nat_auto --xdp-mode native -c 3 -i 0.2 "$LO"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/nat_auto.err"; fail "--xdp-mode native (attach auto) on lo: exit $RC, expected 0"; }
check_ping_output "$TMPD/nat_auto.out" "$LO" 3 || { diag_file "$TMPD/nat_auto.out"; fail "--xdp-mode native (attach auto) on lo: $WHY"; }
one_line "$TMPD/nat_auto.err" && grep -q 'catching replies in tc ingress instead$' "$TMPD/nat_auto.err" ||
	{ diag_file "$TMPD/nat_auto.err"; fail "--xdp-mode native (attach auto) on lo: no one-line fallback notice"; }
icmpmon_p nat_json --json --xdp-mode native -c 1 "$LO"
[ "$(hook_of "$TMPD/nat_json.out")" = "lo=tc-ingress" ] || fail "--xdp-mode native (attach auto) on lo: hooks '$(hook_of "$TMPD/nat_json.out")'"
state=$(attached_state)
[ -z "$state" ] || fail "left attached after the tc fallback: $state"

# --- lo, auto: generic XDP, nothing said ---------------------------------------
icmpmon_p gen --json -c 2 -i 0.2 "$LO"
[ "$RC" -eq 0 ] && [ ! -s "$TMPD/gen.err" ] || { diag_file "$TMPD/gen.err"; fail "--xdp-mode auto on lo: exit $RC or stderr"; }
[ "$(hook_of "$TMPD/gen.out")" = "lo=xdp-generic" ] || fail "--xdp-mode auto on lo: hooks '$(hook_of "$TMPD/gen.out")', expected lo=xdp-generic"

state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
