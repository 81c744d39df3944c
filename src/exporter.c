// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --metrics: libmicrohttpd glue around metrics_write (exporter.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <microhttpd.h>

#include "exporter.h"
#include "metrics.h"
#include "route.h"
#include "run.h"

#define EXPORTER_MAX_CONNECTIONS 32
#define EXPORTER_TIMEOUT_S 15

struct exporter {
	struct MHD_Daemon *d;
	int fd;                       /* the listening socket, bound in setup */
	pthread_mutex_t lock;
	struct run *r;
	char (*ifnames)[IF_NAMESIZE]; /* per target slot */
	uint32_t n;
};

static const char index_page[] =
	"<html><head><title>icmpmon</title></head><body><h1>icmpmon</h1>"
	"<p><a href=\"/metrics\">/metrics</a> (Prometheus text format)</p>"
	"<p><a href=\"/-/healthy\">/-/healthy</a></p></body></html>\n";

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type, char *body, size_t len,
			     enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result rc;

	if (!resp) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result static_reply(struct MHD_Connection *c, unsigned status, const char *type, const char *body)
{
	return reply(c, status, type, (char *)body, strlen(body), MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result serve_metrics(struct exporter *ex, struct MHD_Connection *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return static_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n");
	pthread_mutex_lock(&ex->lock);
	metrics_write(f, ex->r);
	pthread_mutex_unlock(&ex->lock);
	if (fclose(f)) {
		free(buf);
		return static_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n");
	}
	return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", buf, len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct exporter *ex = cls;

	(void)version;
	(void)upload_data;
	(void)con_cls;
	if (*upload_data_size)
		return MHD_NO; /* a body on GET: nothing we asked for */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return static_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "only GET and HEAD\n");
	if (!strcmp(url, "/metrics"))
		return serve_metrics(ex, c);
	if (!strcmp(url, "/-/healthy"))
		return static_reply(c, MHD_HTTP_OK, "text/plain", "OK\n");
	if (!strcmp(url, "/"))
		return static_reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", index_page);
	return static_reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found: try /metrics\n");
}

static int listen_socket(const struct config *cfg, char *err, size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->metrics_port),
				   .sin_addr.s_addr = cfg->metrics_addr };
	char a[INET_ADDRSTRLEN];
	int fd, one = 1;

	inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "--metrics: cannot open a socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 64)) {
		snprintf(err, errlen, "--metrics %s:%d: cannot listen: %s", a, cfg->metrics_port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The interface a target's replies come in on, as the interface label says it. */
static void target_ifname(struct run *r, uint32_t i, int ifindex, char *out)
{
	const struct loader *ld = &r->ld;
	int k;

	out[0] = 0;
	if (r->cfg->ifname[0]) {
		snprintf(out, IF_NAMESIZE, "%s", r->cfg->ifname);
		return;
	}
	if (ifindex <= 0 && ld->n_ifs == 1) {
		snprintf(out, IF_NAMESIZE, "%s", ld->ifs[0].name);
		return;
	}
	if (ifindex <= 0 && r->targets.v[i].name)
		ifindex = route_oif(&r->targets.v[i].sa.sa);
	if (ifindex <= 0)
		return;
	for (k = 0; k < ld->n_ifs; k++)
		if (ld->ifs[k].ifindex == ifindex) {
			snprintf(out, IF_NAMESIZE, "%s", ld->ifs[k].name);
			return;
		}
	if (!if_indextoname((unsigned)ifindex, out))
		out[0] = 0;
}

int exporter_start(struct run *r, char *err, size_t errlen)
{
	const struct config *cfg = r->cfg;
	struct exporter *ex;
	uint32_t i;

	if (!cfg->metrics_port)
		return 0;
	ex = calloc(1, sizeof(*ex));
	if (!ex || pthread_mutex_init(&ex->lock, NULL)) {
		free(ex);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ex->r = r;
	ex->fd = -1;
	ex->n = r->targets.n;
	ex->ifnames = calloc(ex->n ? ex->n : 1, sizeof(*ex->ifnames));
	r->target_if = calloc(ex->n ? ex->n : 1, sizeof(*r->target_if));
	r->exporter = ex;
	if (!ex->ifnames || !r->target_if) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < ex->n; i++) {
		if (r->targets.v[i].name)
			target_ifname(r, i, 0, ex->ifnames[i]);
		r->target_if[i] = ex->ifnames[i];
	}
	ex->fd = listen_socket(cfg, err, errlen);
	return ex->fd < 0 ? -1 : 0;
}

int exporter_serve(struct run *r, char *err, size_t errlen)
{
	struct exporter *ex = r->exporter;
	sigset_t all, old;

	if (!ex || ex->d)
		return 0;
	/*
	 * The server's thread must not take the signals the probing thread reads
	 * from its signalfd, and inherits the capabilities of the thread that
	 * starts it: started after privileges_drop, it has none left to lose.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ex->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, handle, ex,
				 MHD_OPTION_LISTEN_SOCKET, (MHD_socket)ex->fd,
				 MHD_OPTION_CONNECTION_LIMIT, (unsigned)EXPORTER_MAX_CONNECTIONS,
				 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)EXPORTER_TIMEOUT_S,
				 MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ex->d) {
		snprintf(err, errlen, "--metrics: cannot start the HTTP server");
		return -1;
	}
	ex->fd = -1; /* the server's now: MHD_stop_daemon closes it */
	return 0;
}

void exporter_stop(struct run *r)
{
	struct exporter *ex = r->exporter;

	if (!ex)
		return;
	if (ex->d)
		MHD_stop_daemon(ex->d);
	if (ex->fd >= 0)
		close(ex->fd);
	pthread_mutex_destroy(&ex->lock);
	free(r->target_if);
	r->target_if = NULL;
	free(ex->ifnames);
	free(ex);
	r->exporter = NULL;
}

void exporter_lock(struct run *r)
{
	if (r->exporter)
		pthread_mutex_lock(&r->exporter->lock);
}

void exporter_unlock(struct run *r)
{
	if (r->exporter)
		pthread_mutex_unlock(&r->exporter->lock);
}

void exporter_target_changed(struct run *r, unsigned idx, int ifindex)
{
	struct exporter *ex = r->exporter;

	if (!ex || idx >= ex->n)
		return;
	target_ifname(r, idx, ifindex, ex->ifnames[idx]);
}
