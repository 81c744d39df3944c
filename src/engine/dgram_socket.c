// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Opening ICMP datagram sockets, and why the kernel would not (dgram_socket.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "engine/dgram_socket.h"

int ping_group_range_parse(const char *text, long long *low, long long *high)
{
	char *end;

	errno = 0;
	*low = strtoll(text, &end, 10);
	if (errno || end == text || (*end != ' ' && *end != '\t'))
		return -1;
	text = end;
	*high = strtoll(text, &end, 10);
	if (errno || end == text)
		return -1;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	return *end ? -1 : 0;
}

void ping_group_range_explain(const char *range_text, gid_t gid, char *err, size_t errlen)
{
	long long low, high;

	if (ping_group_range_parse(range_text, &low, &high)) {
		snprintf(err, errlen, "cannot open an ICMP datagram socket: %s", strerror(EACCES));
		return;
	}
	if ((long long)gid >= low && (long long)gid <= high) /* refused for another reason (a security module) */
		snprintf(err, errlen, "cannot open an ICMP datagram socket: %s (group %u is inside "
			 "net.ipv4.ping_group_range %lld %lld)", strerror(EACCES), (unsigned)gid, low, high);
	else
		snprintf(err, errlen, "cannot open an ICMP datagram socket: group %u is outside "
			 "net.ipv4.ping_group_range (%lld %lld); allow it with %s", (unsigned)gid, low, high,
			 PING_GROUP_RANGE_ALLOW);
}

static void read_range(char *buf, size_t len)
{
	FILE *f = fopen(PING_GROUP_RANGE_PATH, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
}

int dgram_socket(int v6, char *err, size_t errlen)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	char range[64];

	if (fd >= 0)
		return fd;
	if (errno == EACCES) {
		read_range(range, sizeof(range));
		ping_group_range_explain(range, getegid(), err, errlen);
	} else {
		snprintf(err, errlen, "cannot open an %s datagram socket: %s", v6 ? "ICMPv6" : "ICMP", strerror(errno));
	}
	return -1;
}
