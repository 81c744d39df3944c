/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_ICMP_TEXT_H
#define ICMPMON_ICMP_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* ping's wording for an ICMPv4 error type/code ("Destination Host Unreachable"); returns buf. */
const char *icmp_error_text(uint8_t type, uint8_t code, uint32_t info, char *buf, size_t len);
/* The same for ICMPv6 ("Destination unreachable: Address unreachable"). */
const char *icmp6_error_text(uint8_t type, uint8_t code, uint32_t info, char *buf, size_t len);

#endif
