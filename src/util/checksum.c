// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Internet checksum (checksum.h). */
#include <string.h>

#include "util/checksum.h"

static __u16 fold(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * Words are added as they lie in memory: one's complement addition commutes
 * with byte swapping, so the result comes out in network order on any host.
 */
__u16 inet_checksum(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	__u64 sum = 0;
	__u16 w;

	for (; len >= 2; p += 2, len -= 2) {
		memcpy(&w, p, 2);
		sum += w;
	}
	if (len) {
		/* odd byte: pad with a zero byte after it in memory */
		w = 0;
		memcpy(&w, p, 1);
		sum += w;
	}
	return (__u16)~fold(sum);
}

__u16 inet_checksum_adjust(__u16 old_csum, __u16 old_word, __u16 new_word)
{
	__u64 sum = (__u16)~old_csum + (__u16)~old_word + (__u64)new_word;

	return (__u16)~fold(sum);
}
