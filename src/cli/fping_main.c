// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fping personality: fping argv -> config -> run with the fping sink. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <bpf/libbpf.h>

#include "cli/fping_main.h"
#include "cli/fping_options.h"
#include "engine/run.h"
#include "sink/fping.h"

static int libbpf_silent(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

/* -S, -O and -M act on the sending sockets, as fping's do on its own. */
static int socket_options(struct run *r, const struct fping_opts *o, char *err, size_t errlen)
{
	int fd4 = r->snd.path[0].fd, fd6 = r->snd.path[1].fd, refused;

	if (o->src_set && fd4 >= 0) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = o->src };

		if (bind(fd4, (struct sockaddr *)&sa, sizeof(sa))) {
			snprintf(err, errlen, "cannot bind source address : %s", strerror(errno));
			return -1;
		}
	}
	if (o->src6_set && fd6 >= 0) {
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = o->src6 };

		if (bind(fd6, (struct sockaddr *)&sa, sizeof(sa))) {
			snprintf(err, errlen, "cannot bind source address : %s", strerror(errno));
			return -1;
		}
	}
	if (o->tos_set) {
		if (fd4 >= 0 && setsockopt(fd4, IPPROTO_IP, IP_TOS, &o->tos, sizeof(o->tos)))
			fprintf(stderr, "setting type of service octet IP_TOS: %s\n", strerror(errno));
		/*
		 * fping always has an IPv6 socket and warns when it refuses the class;
		 * icmpmon has one only for IPv6 targets, and checks the value as it would.
		 */
		if (fd6 >= 0)
			refused = setsockopt(fd6, IPPROTO_IPV6, IPV6_TCLASS, &o->tos, sizeof(o->tos)) ? errno : 0;
		else
			refused = o->tos < -1 || o->tos > 255 ? EINVAL : 0;
		if (refused)
			fprintf(stderr, "setting type of service octet IPV6_TCLASS: %s\n", strerror(refused));
	}
	if (o->dontfrag) {
		int v4 = IP_PMTUDISC_DO, v6 = IPV6_PMTUDISC_DO;

		if (fd4 >= 0 && setsockopt(fd4, IPPROTO_IP, IP_MTU_DISCOVER, &v4, sizeof(v4)))
			fprintf(stderr, "setsockopt IP_MTU_DISCOVER: %s\n", strerror(errno));
		if (fd6 >= 0 && setsockopt(fd6, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v6, sizeof(v6)))
			fprintf(stderr, "setsockopt IPV6_MTU_DISCOVER: %s\n", strerror(errno));
	}
	return 0;
}

/* With -q fping does not report names that fail to resolve: hide what targets_resolve() prints. */
static int hide_stderr(void)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (saved < 0 || null < 0) {
		if (saved >= 0)
			close(saved);
		if (null >= 0)
			close(null);
		return -1;
	}
	fflush(stderr);
	dup2(null, STDERR_FILENO);
	close(null);
	return saved;
}

static void restore_stderr(int saved)
{
	if (saved < 0)
		return;
	dup2(saved, STDERR_FILENO);
	close(saved);
}

int fping_main(int argc, char **argv)
{
	char err[512] = "";
	struct name_list names = { 0 };
	struct fping_opts o;
	struct config cfg;
	struct run run;
	int status, saved = -1;

	switch (fping_parse(argc, argv, &cfg, &o, err, sizeof(err))) {
	case FPING_PARSE_EXIT:
		return FPING_EXIT_OK;
	case FPING_PARSE_ERROR:
		fprintf(stderr, "%s\n", err);
		return FPING_EXIT_USAGE;
	case FPING_PARSE_RUN:
		break;
	}
	libbpf_set_print(libbpf_silent);
	setvbuf(stdout, NULL, _IOLBF, 0);
	status = fping_gather_names(&o, &names, err, sizeof(err));
	if (status) {
		fprintf(stderr, "%s\n", err);
		name_list_free(&names);
		return status;
	}
	if (!names.n)
		return FPING_EXIT_UNREACHABLE; /* fping: no target at all */
	cfg.targets = names.v;
	cfg.n_targets = (int)names.n;
	fping_size_run(&o, &cfg, names.n);
	if (o.quiet)
		saved = hide_stderr();
	if (run_setup(&run, &cfg, &sink_fping, NULL, err, sizeof(err))) {
		restore_stderr(saved);
		if (!run.targets.n && run.targets.unresolved) {
			status = FPING_EXIT_NOADDRESS; /* every name failed: fping says only that */
		} else {
			fprintf(stderr, "%s: %s\n", o.prog, err);
			status = FPING_EXIT_SYSTEM;
		}
		goto out;
	}
	restore_stderr(saved);
	if (socket_options(&run, &o, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", o.prog, err);
		status = FPING_EXIT_SYSTEM;
		goto out;
	}
	/*
	 * run_loop() takes these signals through a signalfd, which sees nothing
	 * of a signal that is ignored: a shell starts background jobs so.
	 * fping installs its own handlers whatever it inherited.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	status = run_loop(&run);
	if (!sink_fping_finished())
		status = FPING_EXIT_SYSTEM;
out:
	run_teardown(&run);
	name_list_free(&names);
	return status;
}
