// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Scenario 7's floor for the count job: what sending the same probes costs
 * with nothing else. send_floor FILE COUNT PERIOD_MS sends COUNT rounds of
 * one ICMP echo request to every IPv4 address of FILE (one a line), a round
 * every PERIOD_MS ms on an absolute schedule, 64 to a sendmmsg(2) from one
 * raw socket, 56 payload bytes as ping and fping send. It reads nothing: an
 * ICMP_FILTER drops the replies at the socket (the kernel still receives
 * them). No BPF, no timing, no bookkeeping: whatever a prober does beyond
 * this is its own cost; the rest (the send path, and on this test bed the
 * responder's answer and the reply's way back, which run in the sender's
 * softirq) any prober pays.
 */
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PROBE_BYTES (sizeof(struct icmphdr) + 56)
#define MAX_TARGETS 131072

static unsigned short inet_csum(const void *p, size_t n)
{
	const unsigned short *w = p;
	unsigned long s = 0;

	for (; n > 1; n -= 2)
		s += *w++;
	if (n)
		s += *(const unsigned char *)w;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned short)~s;
}

static int read_targets(const char *path, struct sockaddr_in *dst, int max)
{
	char line[128];
	FILE *in = fopen(path, "r");
	int n = 0;

	if (!in)
		return -1;
	while (n < max && fgets(line, sizeof(line), in)) {
		line[strcspn(line, " \t\r\n")] = 0;
		memset(&dst[n], 0, sizeof(dst[n]));
		dst[n].sin_family = AF_INET;
		if (inet_pton(AF_INET, line, &dst[n].sin_addr) == 1)
			n++;
	}
	fclose(in);
	return n;
}

/* One round: every target once, BATCH to a system call. */
static long send_round(int fd, const struct sockaddr_in *dst, int n, unsigned short id, unsigned short seq)
{
	static unsigned char pkt[BATCH][PROBE_BYTES];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	long sent = 0;
	int i, k, b, rc;

	for (i = 0; i < n; i += b) {
		b = n - i < BATCH ? n - i : BATCH;
		for (k = 0; k < b; k++) {
			struct icmphdr *h = (struct icmphdr *)pkt[k];

			memset(pkt[k], 0, sizeof(pkt[k]));
			h->type = ICMP_ECHO;
			h->un.echo.id = id;
			h->un.echo.sequence = htons(seq);
			h->checksum = inet_csum(pkt[k], sizeof(pkt[k]));
			iov[k] = (struct iovec){ .iov_base = pkt[k], .iov_len = sizeof(pkt[k]) };
			memset(&m[k], 0, sizeof(m[k]));
			m[k].msg_hdr.msg_name = (void *)&dst[i + k];
			m[k].msg_hdr.msg_namelen = sizeof(dst[0]);
			m[k].msg_hdr.msg_iov = &iov[k];
			m[k].msg_hdr.msg_iovlen = 1;
		}
		rc = sendmmsg(fd, m, (unsigned)b, 0);
		if (rc > 0)
			sent += rc;
	}
	return sent;
}

int main(int argc, char **argv)
{
	static struct sockaddr_in dst[MAX_TARGETS];
	struct icmp_filter none = { .data = ~0u };
	struct timespec next;
	long sent = 0, period_ms;
	int fd, n, count, r;

	if (argc != 4) {
		fprintf(stderr, "usage: send_floor FILE COUNT PERIOD_MS\n");
		return 2;
	}
	count = atoi(argv[2]);
	period_ms = atol(argv[3]);
	n = read_targets(argv[1], dst, MAX_TARGETS);
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (n <= 0 || fd < 0 || count <= 0 || period_ms < 0) {
		perror("send_floor");
		return 1;
	}
	setsockopt(fd, SOL_RAW, ICMP_FILTER, &none, sizeof(none));
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (r = 0; r < count; r++) {
		if (r) {
			next.tv_sec += period_ms / 1000;
			next.tv_nsec += (period_ms % 1000) * 1000000;
			if (next.tv_nsec >= 1000000000) {
				next.tv_sec++;
				next.tv_nsec -= 1000000000;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		}
		sent += send_round(fd, dst, n, htons((unsigned short)getpid()), (unsigned short)r);
	}
	printf("sent %ld\n", sent);
	close(fd);
	return 0;
}
