// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ping's wording for ICMP errors (icmp_text.h). */
#include <stdio.h>

#include "output/icmp_text.h"

static const char *const unreach[] = {
	"Destination Net Unreachable", "Destination Host Unreachable", "Destination Protocol Unreachable",
	"Destination Port Unreachable", "Frag needed and DF set", "Source Route Failed",
	"Destination Net Unknown", "Destination Host Unknown", "Source Host Isolated",
	"Destination Net Prohibited", "Destination Host Prohibited",
	"Destination Net Unreachable for Type of Service", "Destination Host Unreachable for Type of Service",
	"Packet filtered", "Precedence Violation", "Precedence Cutoff",
};

const char *icmp_error_text(uint8_t type, uint8_t code, uint32_t info, char *buf, size_t len)
{
	switch (type) {
	case 3:
		if (code == 4)
			snprintf(buf, len, "Frag needed and DF set (mtu = %u)", info & 0xffff);
		else if (code < sizeof(unreach) / sizeof(unreach[0]))
			snprintf(buf, len, "%s", unreach[code]);
		else
			snprintf(buf, len, "Dest Unreachable, Bad Code: %d", code);
		break;
	case 11:
		if (code == 0)
			snprintf(buf, len, "Time to live exceeded");
		else if (code == 1)
			snprintf(buf, len, "Frag reassembly time exceeded");
		else
			snprintf(buf, len, "Time exceeded, Bad Code: %d", code);
		break;
	case 12:
		snprintf(buf, len, "Parameter problem: pointer = %u", info >> 24);
		break;
	default:
		snprintf(buf, len, "Bad ICMP type: %d", type);
	}
	return buf;
}

static const char *const unreach6[] = {
	"No route", "Administratively prohibited", "Beyond scope of source address", "Address unreachable",
	"Port unreachable",
};

const char *icmp6_error_text(uint8_t type, uint8_t code, uint32_t info, char *buf, size_t len)
{
	switch (type) {
	case 1:
		if (code < sizeof(unreach6) / sizeof(unreach6[0]))
			snprintf(buf, len, "Destination unreachable: %s", unreach6[code]);
		else
			snprintf(buf, len, "Destination unreachable: Unknown code %d", code);
		break;
	case 2:
		snprintf(buf, len, "Packet too big: mtu=%u", info);
		break;
	case 3:
		if (code == 0)
			snprintf(buf, len, "Time exceeded: Hop limit");
		else if (code == 1)
			snprintf(buf, len, "Time exceeded: Defragmentation failure");
		else
			snprintf(buf, len, "Time exceeded: code %d", code);
		break;
	case 4:
		snprintf(buf, len, "Parameter problem: %s at %u",
			 code == 0 ? "wrong header field" : code == 1 ? "unknown header" : code == 2 ? "unknown option" : "code",
			 info);
		break;
	default:
		snprintf(buf, len, "unknown icmp type: %u", type);
	}
	return buf;
}
