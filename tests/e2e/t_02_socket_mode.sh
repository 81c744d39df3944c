#!/usr/bin/env bash
# The same five probes with replies read from a raw socket (--mode socket).
. "$(dirname "$0")/lib.sh"
topo_up

like_ping "$ANSWERED" 5 --mode socket
# Socket mode attaches nothing.
state=$(attached_state)
[ -z "$state" ] || fail "something is attached after --mode socket: $state"
pass
