/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_PRIVILEGES_H
#define ICMPMON_PRIVILEGES_H

#include <stddef.h>

/*
 * Once the programs are attached and the sockets open, icmpmon needs only
 * CAP_NET_ADMIN (to remove its tc filters on exit): every other capability
 * is dropped from the effective, permitted and inheritable sets and from the
 * bounding set. Map reads, ring-buffer reads and sends use descriptors it
 * already holds. for_dispatcher: a program of this run is in libxdp's XDP
 * dispatcher, and leaving it at exit means reading the dispatcher's programs
 * by id and loading a new dispatcher: CAP_SYS_ADMIN, CAP_BPF and CAP_PERFMON
 * are kept as well.
 */
int privileges_drop(int for_dispatcher, char *err, size_t errlen);

#endif
