/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Internet checksum (RFC 1071) and its incremental update (RFC 1624). */
#ifndef ICMPMON_CHECKSUM_H
#define ICMPMON_CHECKSUM_H

#include <stddef.h>

#include "bpf/icmpmon.h"

/* Checksum of buf, ready to store as is into a header (network order). */
__u16 inet_checksum(const void *buf, size_t len);

/*
 * New checksum after one 16-bit word of the covered data changed from
 * old_word to new_word (RFC 1624 eqn. 3). All three values in network order.
 */
__u16 inet_checksum_adjust(__u16 old_csum, __u16 old_word, __u16 new_word);

#endif /* ICMPMON_CHECKSUM_H */
