// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading ICMP errors from a socket's error queue (errqueue.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>

#include "engine/errqueue.h"

int errqueue_enable(int fd, int v6)
{
	int one = 1;

	return v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one))
		  : setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
}

static void set_addr(struct icmpmon_addr *a, const struct sockaddr *sa)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET6) {
		a->family = ICMPMON_AF_INET6;
		memcpy(a->addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	} else if (sa->sa_family == AF_INET) {
		a->family = ICMPMON_AF_INET;
		a->addr[0] = ((const struct sockaddr_in *)sa)->sin_addr.s_addr;
	}
}

void errqueue_clear(int fd)
{
	socklen_t len = sizeof(int);
	int e;

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
}

int errqueue_read(int fd, int v6, struct errqueue_msg *m)
{
	unsigned char data[sizeof(struct icmphdr) + sizeof(m->payload)];
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in6))];
		struct cmsghdr align;
	} control;
	struct sockaddr_in6 dst;
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = {
		.msg_name = &dst, .msg_namelen = sizeof(dst),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	const struct sock_extended_err *ee = NULL;
	const struct icmphdr *echo = (const struct icmphdr *)data;
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR))
			ee = (const struct sock_extended_err *)CMSG_DATA(c);
	if (!ee || ee->ee_origin != (v6 ? SO_EE_ORIGIN_ICMP6 : SO_EE_ORIGIN_ICMP) ||
	    (size_t)n < sizeof(*echo) || echo->type != (v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO))
		return 0;
	memset(m, 0, sizeof(*m));
	m->icmp_type = ee->ee_type;
	m->icmp_code = ee->ee_code;
	m->icmp_info = ee->ee_info;
	set_addr(&m->from, SO_EE_OFFENDER(ee));
	set_addr(&m->dst, (const struct sockaddr *)&dst);
	m->id_net = echo->un.echo.id;
	m->seq = ntohs(echo->un.echo.sequence);
	m->payload_len = (size_t)n - sizeof(*echo);
	memcpy(m->payload, data + sizeof(*echo), m->payload_len);
	return 1;
}
