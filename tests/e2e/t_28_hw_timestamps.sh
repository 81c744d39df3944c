#!/usr/bin/env bash
# --hw-timestamps (off by default) says what the interface offers: on veth no
# hardware timestamps (software only, no PTP clock), and whether the kernel and
# driver accept the XDP receive-timestamp kfunc (veth implements it from 6.3;
# checked by loading the caller device-bound). Probing goes on either way.
. "$(dirname "$0")/lib.sh"
topo_up

icmpmon_p plain -c 1 "$ANSWERED"
grep -q 'hardware timestamps' "$TMPD/plain.err" && fail "hardware timestamps reported without --hw-timestamps"

icmpmon_p hw --hw-timestamps -c 2 -i 0.2 "$ANSWERED"
[ "$RC" -eq 0 ] || { diag_file "$TMPD/hw.err"; fail "--hw-timestamps run exited $RC"; }
[ "$(grep -c '^64 bytes from ' "$TMPD/hw.out")" -eq 2 ] || { diag_file "$TMPD/hw.out"; fail "not 2 replies"; }
line=$(grep "^icmpmon: $VETH_P: hardware timestamps " "$TMPD/hw.err")
diag "$line"
[ "$(printf '%s\n' "$line" | grep -c .)" -eq 1 ] || { diag_file "$TMPD/hw.err"; fail "not one line about $VETH_P"; }
[[ $line == *"hardware timestamps unavailable (the driver offers software timestamps only, PTP clock -1;"* ]] ||
	fail "veth is not reported as software-only"
# The kernel has the kfunc when its BTF names it; veth then implements it.
if bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "FUNC 'bpf_xdp_metadata_rx_timestamp'"; then
	[[ $line == *"receive kfunc: offered)"* ]] || fail "kernel $(uname -r) has the kfunc, veth implements it, but: $line"
else
	[[ $line == *"receive kfunc: the kernel has no bpf_xdp_metadata_rx_timestamp"* ]] || fail "kfunc absence not said: $line"
fi
[ -z "$(attached_state)" ] || fail "left attached: $(attached_state)"
pass
