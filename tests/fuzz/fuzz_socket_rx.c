// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: socket_rx_parse (--mode socket) on arbitrary bytes as a raw
 * ICMP socket returns them (IPv4 header included), against three targets.
 * The run's id is 0x04d2 and its cookie 11 22 33 44 55 66 77 88 (the seeds
 * use them). Input byte 0: bit 0 clears the cookie length (-s below 8),
 * bit 1 sends the whole window again; the rest is the datagram, copied into
 * a heap buffer of exactly its length so an over-read is caught. Every
 * sequence number of the window starts sent and outstanding for every
 * target; what a packet settles stays settled across inputs, as it does
 * across the packets of a run.
 * Checked besides the sanitizers: a datagram taken as ours names one of the
 * targets, a kind the sinks know, the family of its source, and an icmp_len
 * that fits the datagram.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/socket_rx.h"
#include "engine/targets.h"

#define OUR_ID 0x04d2
#define COOKIE 0x8877665544332211ull /* 11 22 .. 88 in memory, as on the wire */

static struct target_list tl;
static struct socket_rx srx;
static struct target_stats stats[3];

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

/* Every target's window of sequence numbers sent and outstanding. */
static void send_window(void)
{
	uint32_t t, q;

	for (t = 0; t < tl.n; t++)
		for (q = 0; q < SOCKET_RX_WINDOW; q++)
			socket_rx_note_sent(&srx, t, (uint16_t)q, 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char t0[] = "10.1.2.3", t1[] = "10.9.9.9", t2[] = "192.0.2.77";
	char *names[] = { t0, t1, t2 };
	char err[128];

	(void)argc;
	(void)argv;
	/* numeric names: no resolver traffic */
	if (targets_resolve(&tl, names, 3, AF_INET, 0, err, sizeof(err)) || tl.n != 3)
		abort();
	srx.fd = -1;
	srx.id_net = htons(OUR_ID);
	srx.cookie = COOKIE;
	srx.n_targets = tl.n;
	srx.stats = stats;
	srx.probes = calloc((size_t)tl.n * SOCKET_RX_WINDOW, sizeof(*srx.probes));
	if (!srx.probes)
		abort();
	send_window();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmpmon_event ev;
	unsigned char *pkt;
	size_t len;
	int ours;

	if (size < 1)
		return 0;
	srx.cookie_len = data[0] & 1 ? 0 : ICMPMON_COOKIE_LEN;
	if (data[0] & 2)
		send_window();
	len = size - 1;
	pkt = malloc(len ? len : 1);
	if (!pkt)
		return 0;
	memcpy(pkt, data + 1, len);
	memset(&ev, 0xa5, sizeof(ev));
	ours = socket_rx_parse(&srx, &tl, pkt, len, 1700000000123456789ull, &ev);
	check(ours == 0 || ours == 1);
	if (ours) {
		check(ev.target_idx < tl.n);
		check(ev.kind == ICMPMON_EV_REPLY || ev.kind == ICMPMON_EV_DUP || ev.kind == ICMPMON_EV_ERROR);
		check(ev.from.family == ICMPMON_AF_INET);
		check(ev.icmp_len <= len);
		if (ev.kind != ICMPMON_EV_ERROR)
			check(ev.from.addr[0] == tl.v[ev.target_idx].addr.addr[0]);
	}
	free(pkt);
	return 0;
}
