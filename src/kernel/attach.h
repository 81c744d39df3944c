/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where and how the reply catcher attaches (--attach, --xdp-mode). */
#ifndef ICMPMON_ATTACH_H
#define ICMPMON_ATTACH_H

enum xdp_mode { XDP_MODE_AUTO, XDP_MODE_NATIVE, XDP_MODE_GENERIC };
enum attach_hook { ATTACH_AUTO, ATTACH_XDP, ATTACH_TC };
/* --tc-link: how tc programs attach; auto is TCX where the kernel has it (6.6+), else clsact. */
enum tc_link { TC_LINK_AUTO, TC_LINK_TCX, TC_LINK_CLSACT };

#endif
