// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Which processes hold a BPF program (prog_holders.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel/prog_holders.h"

int prog_held_elsewhere(unsigned prog_id)
{
	char path[300], line[128];
	struct dirent *p, *f;
	DIR *procs, *fds;
	int held = 0;

	procs = opendir("/proc");
	if (!procs)
		return 1; /* cannot tell: assume alive, never remove */
	while (!held && (p = readdir(procs))) {
		int pid = atoi(p->d_name);

		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
		fds = opendir(path);
		if (!fds)
			continue;
		while (!held && (f = readdir(fds))) {
			FILE *fp;

			if (f->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, f->d_name);
			fp = fopen(path, "r");
			if (!fp)
				continue;
			while (fgets(line, sizeof(line), fp)) {
				unsigned id;

				if (sscanf(line, "prog_id: %u", &id) == 1 && id == prog_id) {
					held = 1;
					break;
				}
			}
			fclose(fp);
		}
		closedir(fds);
	}
	closedir(procs);
	return held;
}
