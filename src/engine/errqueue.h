/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The error queue of a sending socket (IP_RECVERR / IPV6_RECVERR): the ICMP
 * errors the kernel delivers about our own packets, those it generates
 * itself included (a neighbour that never answers ARP/ND). ping reads its
 * errors there; icmpmon reads those no hook could see.
 */
#ifndef ICMPMON_ERRQUEUE_H
#define ICMPMON_ERRQUEUE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bpf/icmpmon.h"

struct errqueue_msg {
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_info;         /* ee_info: MTU, parameter pointer */
	struct icmpmon_addr from;   /* who sent the error (the offender) */
	struct icmpmon_addr dst;    /* where the failed packet was going */
	uint16_t id_net, seq;       /* of the failed echo request */
	unsigned char payload[8];   /* its first payload bytes (the run cookie) */
	size_t payload_len;
};

/* Asks the kernel to queue ICMP errors about this socket's packets. */
int errqueue_enable(int fd, int v6);

/*
 * Reads one queued message without blocking: 1 with an ICMP error about an
 * echo request in *m, 0 for anything else (a local error, which sendmsg
 * has already reported), -1 when the queue is empty.
 */
int errqueue_read(int fd, int v6, struct errqueue_msg *m);

/*
 * Clears a pending socket error that has no queued message (the queue was
 * full): it would keep epoll reporting EPOLLERR and fail the next send.
 */
void errqueue_clear(int fd);

#endif
