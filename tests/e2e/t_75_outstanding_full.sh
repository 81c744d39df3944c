#!/usr/bin/env bash
# The outstanding-probe map full (--max-outstanding 2): a silent target's
# probes hold the slots (they wait -W for a reply that never comes), so most
# probes to the answering targets cannot be tracked. Nothing may be lost
# silently: every probe is received, timed out, still outstanding at the end
# (a tracked silent probe) or counted as not tracked; the reply to an
# untracked probe is counted as unmatched; the ping summary ends with
# "icmpmon: K probes not tracked (...)". At start, one line on stderr says the
# map is smaller than what can be in flight.
. "$(dirname "$0")/lib.sh"
topo_up

MAXO=2 C=3 NA=20
S=10.202.0.1 # silent, first: its first probe takes a slot and keeps it
TARGETS=("$S")
for ((i = 1; i <= NA; i++)); do TARGETS+=("10.201.2.$i"); done
ARGS=(--max-outstanding "$MAXO" -c "$C" -i 0.3 -W 5 "${TARGETS[@]}")

# check_warning NAME: stderr is the one line saying the map is too small.
check_warning() {
	local e=$TMPD/$1.err
	[ "$(wc -l < "$e")" -eq 1 ] &&
		grep -Eq "^icmpmon: the outstanding-probe map holds $MAXO probes, fewer than the [0-9]+ that can be in flight; probes beyond it are counted and reported as not tracked$" "$e" ||
		{ diag_file "$e"; fail "$1: stderr is not the one 'outstanding-probe map holds $MAXO probes' line"; }
}

# --- NDJSON: exact accounting -------------------------------------------------
icmpmon_p js --json "${ARGS[@]}"
j=$TMPD/js.out
[ "$RC" -eq 0 ] || { diag_file "$j"; diag_file "$TMPD/js.err"; fail "--json: exit status $RC, expected 0"; }
check_warning js
read -r K U RB < <(jq -r 'select(.type == "end") | "\(.table_full) \(.unmatched) \(.ringbuf_dropped)"' "$j")
read -r a_sent a_recv a_to < <(jq -sr --arg s "$S" '[.[] | select(.type == "summary" and .addr != $s)] |
	"\(map(.sent) | add) \(map(.received) | add) \(map(.timeouts) | add)"' "$j")
read -r s_sent s_recv s_to < <(jq -sr --arg s "$S" '[.[] | select(.type == "summary" and .addr == $s)] |
	"\(map(.sent) | add) \(map(.received) | add) \(map(.timeouts) | add)"' "$j")
n_err=$(jq -sr '[.[] | select(.type == "summary") | .icmp_errors + .send_errors] | add' "$j")
diag "--json: not tracked $K, unmatched $U; answering: sent $a_sent received $a_recv timeouts $a_to; silent: sent $s_sent received $s_recv timeouts $s_to"
[ "$a_sent" -eq $((NA * C)) ] && [ "$s_sent" -eq "$C" ] || fail "sent $a_sent + $s_sent, expected $((NA * C)) + $C"
[ "$n_err" -eq 0 ] && [ "$RB" -eq 0 ] || fail "errors $n_err, ring buffer drops $RB: expected none"
[ "$K" -gt 0 ] || fail "no probe was 'not tracked' with --max-outstanding $MAXO: the map did not fill"
[ "$s_recv" -eq 0 ] || fail "the silent target has $s_recv replies"
# Every untracked probe of an answering target had its reply counted as unmatched ...
[ "$U" -eq $((a_sent - a_recv - a_to)) ] ||
	fail "unmatched $U != answering probes without a reply $((a_sent - a_recv - a_to)) (sent $a_sent, received $a_recv, timeouts $a_to)"
# ... and is among the untracked; the rest of those are the silent target's.
s_untracked=$((K - U))
[ "$s_untracked" -ge 0 ] && [ "$s_untracked" -le "$s_sent" ] ||
	fail "not tracked $K - unmatched $U = $s_untracked untracked silent probes, of $s_sent sent"
# The silent probes that were tracked hold at most MAXO slots and are still
# outstanding (or timed out): sent = received + timeouts + not tracked + outstanding.
outst=$((a_sent + s_sent - a_recv - a_to - s_to - K))
[ "$outst" -ge 0 ] && [ "$outst" -le "$MAXO" ] ||
	fail "sent $((a_sent + s_sent)) = received $a_recv + timeouts $((a_to + s_to)) + not tracked $K + $outst outstanding: not 0..$MAXO outstanding"
n=$(jq -r 'select(.type == "reply")' "$j" | jq -s length)
[ "$n" -eq "$a_recv" ] || fail "$n reply objects for $a_recv received"

# --- ping text: the "not tracked" line and the counts -------------------------
icmpmon_p txt -q "${ARGS[@]}"
f=$TMPD/txt.out
[ "$RC" -eq 0 ] || { diag_file "$f"; diag_file "$TMPD/txt.err"; fail "exit status $RC, expected 0"; }
check_warning txt
[ "$(grep -c 'ping statistics ---$' "$f")" -eq $((NA + 1)) ] || fail "not $((NA + 1)) statistics blocks"
K=$(tail -n1 "$f" | sed -nE 's/^icmpmon: ([0-9]+) probes not tracked \(outstanding-probe map full; raise --max-outstanding\)$/\1/p')
[ -n "$K" ] && [ "$K" -gt 0 ] || { diag_file "$f"; fail "the last line is not 'icmpmon: K probes not tracked (...)': '$(tail -n1 "$f")'"; }
read -r tx rx < <(awk '/packets transmitted/ { t += $1; r += $4 } END { print t, r }' "$f")
lost=$((tx - rx - K))
diag "text: transmitted $tx, received $rx, not tracked $K, other losses $lost"
[ "$tx" -eq $(((NA + 1) * C)) ] || fail "transmitted $tx, expected $(((NA + 1) * C))"
# Other losses: only the silent target's tracked probes (it answers nothing).
[ "$lost" -ge 0 ] && [ "$lost" -le "$C" ] && [ "$lost" -le "$MAXO" ] ||
	fail "transmitted $tx - received $rx - not tracked $K = $lost losses not explained by the silent target's tracked probes"
grep -A1 -- "^--- ${S//./\\.} ping statistics ---$" "$f" | grep -Eq "^$C packets transmitted, 0 received, 100% packet loss" ||
	fail "the silent target's statistics: $(grep -A1 -- "^--- ${S//./\\.} ping" "$f" | tail -n1)"
state=$(attached_state)
[ -z "$state" ] || fail "left attached: $state"
pass
