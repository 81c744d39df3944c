# shellcheck shell=bash
# Side-by-side comparison of Debian's fping 5.1 and icmpmon's fping
# personality, for the t_4x tests. Source after lib.sh; call need_fping first.

FPING=${FPING:-/usr/bin/fping}
FAILS=0

# Fails without fping (make deps installs it); skips when it is not 5.x.
need_fping() {
	[ -x "$FPING" ] || fail "no $FPING: a requirement (make deps installs fping)"
	"$FPING" -v 2>&1 | grep -q 'Version 5\.' || skip "$FPING is not fping 5.x: $("$FPING" -v 2>&1)"
}

# What differs between two runs: times, wall-clock stamps, the -Q clock.
mask() {
	sed -E -e "s#^$FPING([:,]) #fping\1 #" -e 's/^\[[0-9]+\.[0-9]{5}\] /[TS] /' \
		-e 's/^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$/[HH:MM:SS]/' \
		-e 's#([ (/])[0-9]+(\.[0-9]+)?(e[+-][0-9]+)? (ms|sec|avg)#\1T \4#g' \
		-e 's#min/avg/max = [0-9.e+-]+/[0-9.e+-]+/[0-9.e+-]+#min/avg/max = T/T/T#'
}

# -C lines ("host : 0.031 - 0.040"): every time after the colon.
mask_rtts() {
	sed -E -e ':a' -e 's/^([^ ]+ +:( T| -)*) [0-9]+\.[0-9]+/\1 T/' -e 'ta'
}

# A failed comparison is reported and counted; the test goes on to show every difference.
differs() {
	echo "# MISMATCH ($1): $2"
	FAILS=$((FAILS + 1))
}

show_diff() {
	diff -u "$1" "$2" | head -40 | sed 's/^/#   /'
}

# both NAME [--sort] ARGS...: fping and "icmpmon fping" with ARGS; compares
# exit statuses and masked stdout/stderr (--sort: lines grouped by target,
# each target's lines in their order, for runs where the interleaving of
# targets depends on timing). STDIN=FILE feeds both; DROP=REGEX leaves out
# lines that come or not depending on timing; REF and IM replace the two
# commands ("$FPING" and "$ICMPMON fping").
both() {
	local name=$1 sort=0 f
	shift
	if [ "${1:-}" = --sort ]; then
		sort=1
		shift
	fi
	# shellcheck disable=SC2206 # REF and IM are commands with their words
	local ref=(${REF:-$FPING}) im=(${IM:-$ICMPMON fping})
	run_p "$name.ref" 60 "${ref[@]}" "$@" < "${STDIN:-/dev/null}"
	local rc_ref=$RC
	run_p "$name.im" 60 "${im[@]}" "$@" < "${STDIN:-/dev/null}"
	local rc_im=$RC
	for f in ref im; do
		mask < "$TMPD/$name.$f.out" | mask_rtts > "$TMPD/$name.$f.mout"
		mask < "$TMPD/$name.$f.err" | mask_rtts > "$TMPD/$name.$f.merr"
		if [ -n "${DROP:-}" ]; then
			grep -Ev -- "$DROP" "$TMPD/$name.$f.mout" > "$TMPD/$name.$f.tmp"; mv "$TMPD/$name.$f.tmp" "$TMPD/$name.$f.mout"
			grep -Ev -- "$DROP" "$TMPD/$name.$f.merr" > "$TMPD/$name.$f.tmp"; mv "$TMPD/$name.$f.tmp" "$TMPD/$name.$f.merr"
		fi
		if [ "$sort" = 1 ]; then
			sort -s -k1,1 -o "$TMPD/$name.$f.mout" "$TMPD/$name.$f.mout"
		fi
	done
	if [ "$rc_ref" != "$rc_im" ]; then
		differs "$name" "exit status: fping $rc_ref, icmpmon $rc_im (args: $*)"
		diag_file "$TMPD/$name.im.err"
	fi
	if ! cmp -s "$TMPD/$name.ref.mout" "$TMPD/$name.im.mout"; then
		differs "$name" "stdout differs (args: $*)"
		show_diff "$TMPD/$name.ref.mout" "$TMPD/$name.im.mout"
	fi
	if ! cmp -s "$TMPD/$name.ref.merr" "$TMPD/$name.im.merr"; then
		differs "$name" "stderr differs (args: $*)"
		show_diff "$TMPD/$name.ref.merr" "$TMPD/$name.im.merr"
	fi
}
