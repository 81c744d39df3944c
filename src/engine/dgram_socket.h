/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMP datagram sockets ("ping sockets"): what ping and fping use without
 * privileges. The kernel opens them to a process whose group lies in
 * net.ipv4.ping_group_range (per network namespace; IPv6 too); where it does
 * not, the error says so and names the sysctl that allows it.
 */
#ifndef ICMPMON_DGRAM_SOCKET_H
#define ICMPMON_DGRAM_SOCKET_H

#include <stddef.h>
#include <sys/types.h>

#define PING_GROUP_RANGE_PATH "/proc/sys/net/ipv4/ping_group_range"
#define PING_GROUP_RANGE_ALLOW "sysctl -w net.ipv4.ping_group_range=\"0 2147483647\""

/* Opens a non-blocking ICMP (v6: ICMPv6) datagram socket, or returns -1 with err one line. */
int dgram_socket(int v6, char *err, size_t errlen);

/*
 * The sysctl's text ("1\t0", as /proc shows it) as *low and *high;
 * -1 when it is not two numbers.
 */
int ping_group_range_parse(const char *text, long long *low, long long *high);

/* Why the kernel refused a datagram socket with EACCES, for group gid and the range's text. */
void ping_group_range_explain(const char *range_text, gid_t gid, char *err, size_t errlen);

#endif
