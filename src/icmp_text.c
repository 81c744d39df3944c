// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>

#include "icmp_text.h"

static const char *const unreach[] = {
	"Destination Net Unreachable", "Destination Host Unreachable", "Destination Protocol Unreachable",
	"Destination Port Unreachable", "Frag needed and DF set", "Source Route Failed",
	"Destination Net Unknown", "Destination Host Unknown", "Source Host Isolated",
	"Destination Net Prohibited", "Destination Host Prohibited",
	"Destination Net Unreachable for Type of Service", "Destination Host Unreachable for Type of Service",
	"Packet filtered", "Precedence Violation", "Precedence Cutoff",
};

const char *icmp_error_text(uint8_t type, uint8_t code, char *buf, size_t len)
{
	switch (type) {
	case 3:
		if (code < sizeof(unreach) / sizeof(unreach[0]))
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
		snprintf(buf, len, "Parameter problem");
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

const char *icmp6_error_text(uint8_t type, uint8_t code, char *buf, size_t len)
{
	switch (type) {
	case 1:
		if (code < sizeof(unreach6) / sizeof(unreach6[0]))
			snprintf(buf, len, "Destination unreachable: %s", unreach6[code]);
		else
			snprintf(buf, len, "Destination unreachable: Unknown code %d", code);
		break;
	case 2:
		snprintf(buf, len, "Packet too big");
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
		snprintf(buf, len, "Parameter problem");
		break;
	default:
		snprintf(buf, len, "unknown icmp type: %u", type);
	}
	return buf;
}
