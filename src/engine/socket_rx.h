/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Socket receive mode: replies read from a classic raw ICMP socket with
 * SO_TIMESTAMPNS, as ping does. Same sender, same statistics structure, same
 * events as the kernel path, so the two can be compared with all else equal.
 */
#ifndef ICMPMON_SOCKET_RX_H
#define ICMPMON_SOCKET_RX_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/icmpmon.h"
#include "engine/targets.h"

#define SOCKET_RX_WINDOW 1024 /* probes remembered per target (by sequence number) */

/* One sent probe, as the kernel path's outstanding and answered maps know it. */
struct socket_probe {
	uint64_t sent_ns; /* CLOCK_MONOTONIC */
	uint16_t seq;
	uint8_t state;    /* enum socket_probe_state */
};

struct socket_rx {
	int fd;
	uint16_t id_net;
	uint64_t cookie;
	uint32_t cookie_len;
	uint32_t n_targets;
	struct socket_probe *probes;      /* per target, SOCKET_RX_WINDOW slots, slot seq % window */
	struct target_stats *stats;       /* the run's (errored, errored_replied) */
	uint64_t cnt[ICMPMON_CNT_MAX];    /* what was rejected, as the kernel path counts it */
};

int socket_rx_open(struct socket_rx *s, uint32_t n_targets, struct target_stats *stats, uint16_t id_net,
		   uint64_t cookie, uint32_t cookie_len, const char *ifname, char *err, size_t errlen);
void socket_rx_note_sent(struct socket_rx *s, uint32_t tidx, uint16_t seq, uint64_t now_ns);
/*
 * Settles the probes sent before `before` (CLOCK_MONOTONIC ns) and still
 * unanswered, calling lost for each (errored: it had an ICMP error).
 * UINT64_MAX settles all.
 */
void socket_rx_expire(struct socket_rx *s, uint64_t before,
		      void (*lost)(void *ctx, uint32_t tidx, uint16_t seq, int errored), void *ctx);
/*
 * Parses one received IPv4 datagram (header included) taken at rx_real_ns;
 * fills ev and returns 1 when it is a reply to one of our probes.
 */
int socket_rx_parse(struct socket_rx *s, const struct target_list *tl, const unsigned char *pkt, size_t len,
		    uint64_t rx_real_ns, struct icmpmon_event *ev);
/* Reads what is queued; calls cb for each of our replies. */
int socket_rx_drain(struct socket_rx *s, const struct target_list *tl,
		    void (*cb)(void *ctx, const struct icmpmon_event *ev), void *ctx);
void socket_rx_close(struct socket_rx *s);

#endif
