#!/usr/bin/env bash
# An interface without an Ethernet header: a tun device (the kind WireGuard,
# OpenVPN and friends present), in the prober, joined to a tun device in the
# responder by a small userland relay (python3). Frames on it start with the
# IP header: tc and XDP programs see no link-layer header at all.
#
# The behaviour asserted is that icmpmon works there as ping does: every reply
# is counted, through each receive hook, for IPv4 and IPv6, and nothing is
# left attached. (The alternative, refusing such an interface with one line
# and exit 2, would be acceptable too, but silently reporting 100% loss for
# replies that arrive is not.)
. "$(dirname "$0")/lib.sh"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need python3
topo_up

TUN_P=imt$$
TUN_R=imu$$
ip -n "$NS_P" tuntap add dev "$TUN_P" mode tun &&
ip -n "$NS_R" tuntap add dev "$TUN_R" mode tun || skip "cannot create tun devices"

# The relay: one tun file descriptor in each namespace, packets copied both ways.
cat > "$TMPD/relay.py" <<'EOF'
import ctypes, fcntl, os, select, struct, sys

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def open_tun(ns, name):
    nsfd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(nsfd, CLONE_NEWNET):
        e = ctypes.get_errno()
        raise OSError(e, "setns %s: %s" % (ns, os.strerror(e)))
    os.close(nsfd)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


a = open_tun(sys.argv[1], sys.argv[2])
b = open_tun(sys.argv[3], sys.argv[4])
peer = {a: b, b: a}
print("ready", flush=True)
while True:
    for fd in select.select([a, b], [], [])[0]:
        try:
            os.write(peer[fd], os.read(fd, 65536))
        except OSError:
            pass
EOF
python3 "$TMPD/relay.py" "$NS_P" "$TUN_P" "$NS_R" "$TUN_R" > "$TMPD/relay.out" 2> "$TMPD/relay.err" &
BG_PIDS+=("$!")
wait_match "$TMPD/relay.out" '^ready$' 10 || { diag_file "$TMPD/relay.err"; fail "the tun relay did not start"; }

ip -n "$NS_P" addr add 10.206.0.1 peer 10.206.0.2 dev "$TUN_P" &&
ip -n "$NS_R" addr add 10.206.0.2 peer 10.206.0.1 dev "$TUN_R" &&
ip -n "$NS_P" addr add fd00:206::1/64 dev "$TUN_P" nodad &&
ip -n "$NS_R" addr add fd00:206::2/64 dev "$TUN_R" nodad &&
ip -n "$NS_P" link set "$TUN_P" up &&
ip -n "$NS_R" link set "$TUN_R" up || fail "cannot configure the tun devices"
ip -n "$NS_P" -d link show dev "$TUN_P" | grep -q 'link/none' || fail "$TUN_P is not a device without a link-layer header"
T4=10.206.0.2
T6=fd00:206::2
ip -n "$NS_P" route get "$T4" | grep -q "dev $TUN_P " || fail "$T4 is not routed over $TUN_P"
settle "$NS_P" "$T4" || fail "no ping reply from $T4 over the tun relay"
settle "$NS_P" "$T6" || fail "no ping reply from $T6 over the tun relay"

# The reference.
run_p ping 30 ping -c 5 -i 0.2 "$T4"
if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/ping.out" "$T4" 5; then
	diag_file "$TMPD/ping.out"
	fail "the reference ping over $TUN_P did not get its 5 replies (exit $RC) ${WHY:-}"
fi

# what_happened NAME: one line on what icmpmon did instead of counting.
what_happened() {
	local f=$TMPD/$1.out
	if [ "$RC" -eq 2 ]; then
		echo "icmpmon refused $TUN_P (exit 2, stderr: '$(head -c 200 "$TMPD/$1.err")'), where ping gets every reply"
	elif grep -q 'packets transmitted' "$f"; then
		echo "icmpmon exited $RC with '$(grep 'packets transmitted' "$f" | head -n 1)' for replies that arrive (ping gets them all)"
	else
		echo "icmpmon exited $RC"
	fi
}

icmpmon_p im -c 5 -i 0.2 "$T4"
if [ "$RC" -ne 0 ] || ! check_ping_output "$TMPD/im.out" "$T4" 5; then
	diag_file "$TMPD/im.out"; diag_file "$TMPD/im.err"
	fail "over the tun device $TUN_P: $(what_happened im)"
fi
[ -s "$TMPD/im.err" ] && { diag_file "$TMPD/im.err"; fail "icmpmon over $TUN_P wrote to stderr"; }
same_as_ping "$TMPD/im.out" "$TMPD/ping.out" || fail "over $TUN_P: icmpmon's output differs from ping's"

for hook in "--xdp-mode native" "--xdp-mode generic" "--attach tc"; do
	# shellcheck disable=SC2086 # option and value
	icmpmon_p hook $hook -c 5 -i 0.1 "$T4" "$T6"
	[ "$RC" -eq 0 ] || { diag_file "$TMPD/hook.out"; diag_file "$TMPD/hook.err"; fail "over $TUN_P, $hook: $(what_happened hook)"; }
	for t in "$T4" "$T6"; do
		check_target_block "$TMPD/hook.out" "$t" 5 || { diag_file "$TMPD/hook.out"; fail "over $TUN_P, $hook: $WHY"; }
	done
	state=$(attached_on "$NS_P" "$TUN_P")
	[ -z "$state" ] || fail "left attached on $TUN_P after $hook: $state"
done
pass
