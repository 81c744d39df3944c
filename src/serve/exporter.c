// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --metrics: libmicrohttpd glue around a scrape written as it is sent (exporter.h, scrape.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <microhttpd.h>

#include "engine/run.h"
#include "serve/exporter.h"
#include "output/prometheus.h"
#include "serve/scrape.h"

/*
 * A slow or idle client must not starve the scraper: one address gets at most
 * EXPORTER_PER_IP connections, all of them together EXPORTER_MAX_CONNECTIONS
 * (served by one epoll thread, so no FD_SETSIZE limit), and a connection that
 * sends nothing for EXPORTER_TIMEOUT_S is closed. A scrape is one request of
 * a few hundred bytes sent at once, so none of this touches a real scraper.
 */
#define EXPORTER_MAX_CONNECTIONS 512
#define EXPORTER_PER_IP 8
#define EXPORTER_TIMEOUT_S 5
#define EXPORTER_SPARE_FDS 64 /* for the maps, programs, sockets and files of the run */
#define EXPORTER_BLOCK (32 * 1024) /* libmicrohttpd's buffer for a /metrics body, per connection */

struct exporter {
	struct MHD_Daemon *d;
	int fd;                       /* the listening socket, bound in setup */
	struct run *r;
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

/* Prometheus asks for the protobuf format first when native histograms are on. */
static int wants_protobuf(struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	const char *pb = accept ? strstr(accept, "application/vnd.google.protobuf") : NULL;
	const char *text = accept ? strstr(accept, "text/plain") : NULL;

	return pb && strstr(pb, "proto=io.prometheus.client.MetricFamily") && strstr(pb, "encoding=delimited") &&
	       (!text || pb < text);
}

/* A scrape in flight: written a piece at a time as the client reads it. */
struct body {
	struct exporter *ex;
	struct scrape *s;
};

/*
 * libmicrohttpd asks for the next bytes of the body whenever the socket can
 * take them; the lock is held only while a piece (about
 * METRICS_STREAM_CHUNK bytes) is written, so a slow client neither holds
 * it nor makes the exporter keep the body in memory.
 */
static ssize_t body_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct body *b = cls;
	size_t n = scrape_read(b->s, buf, max);
	int rc;

	(void)pos;
	if (n)
		return (ssize_t)n;
	run_slots_lock(b->ex->r);
	rc = scrape_fill(b->s);
	run_slots_unlock(b->ex->r);
	if (rc < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (!rc)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return (ssize_t)scrape_read(b->s, buf, max);
}

static void body_free(void *cls)
{
	struct body *b = cls;

	scrape_free(b->s);
	free(b);
}

static enum MHD_Result serve_metrics(struct exporter *ex, struct MHD_Connection *c)
{
	int pb = wants_protobuf(c);
	struct MHD_Response *resp;
	struct body *b = calloc(1, sizeof(*b));
	enum MHD_Result rc;

	if (!b)
		return static_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n");
	b->ex = ex;
	run_slots_lock(ex->r);
	b->s = scrape_start(ex->r, pb);
	run_slots_unlock(ex->r);
	if (!b->s) {
		free(b);
		return static_reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n");
	}
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, EXPORTER_BLOCK, body_read, b, body_free);
	if (!resp) {
		body_free(b);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				pb ? METRICS_PB_CONTENT_TYPE : "text/plain; version=0.0.4; charset=utf-8");
	rc = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return rc;
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
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 512)) {
		snprintf(err, errlen, "--metrics %s:%d: cannot listen: %s", a, cfg->metrics_port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int exporter_start(struct run *r, char *err, size_t errlen)
{
	const struct config *cfg = r->cfg;
	struct exporter *ex;

	if (!cfg->metrics_port)
		return 0;
	ex = calloc(1, sizeof(*ex));
	if (!ex) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ex->r = r;
	ex->fd = -1;
	r->service_state = ex;
	ex->fd = listen_socket(cfg, err, errlen);
	return ex->fd < 0 ? -1 : 0;
}

/* Connections the descriptor limit leaves room for, at most EXPORTER_MAX_CONNECTIONS. */
static unsigned connection_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return EXPORTER_MAX_CONNECTIONS;
	if (rl.rlim_cur < EXPORTER_MAX_CONNECTIONS + EXPORTER_SPARE_FDS && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < EXPORTER_MAX_CONNECTIONS + EXPORTER_SPARE_FDS ? rl.rlim_max
											: EXPORTER_MAX_CONNECTIONS + EXPORTER_SPARE_FDS;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur <= 2 * EXPORTER_SPARE_FDS)
		return EXPORTER_PER_IP;
	return rl.rlim_cur - EXPORTER_SPARE_FDS < EXPORTER_MAX_CONNECTIONS ? (unsigned)(rl.rlim_cur - EXPORTER_SPARE_FDS)
									      : EXPORTER_MAX_CONNECTIONS;
}

static int exporter_serve(struct run *r, char *err, size_t errlen)
{
	struct exporter *ex = r->service_state;
	sigset_t all, old;
	unsigned limit;

	if (!ex || ex->d)
		return 0;
	limit = connection_limit();
	/*
	 * The server's thread must not take the signals the probing thread reads
	 * from its signalfd, and inherits the capabilities of the thread that
	 * starts it: started after privileges_drop, it has none left to lose.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ex->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, handle, ex,
				 MHD_OPTION_LISTEN_SOCKET, (MHD_socket)ex->fd,
				 MHD_OPTION_CONNECTION_LIMIT, limit,
				 MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)EXPORTER_PER_IP,
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

static void exporter_stop(struct run *r)
{
	struct exporter *ex = r->service_state;

	if (!ex)
		return;
	if (ex->d)
		MHD_stop_daemon(ex->d);
	if (ex->fd >= 0)
		close(ex->fd);
	free(ex);
	r->service_state = NULL;
}

const struct run_service exporter_service = {
	.start = exporter_start,
	.serve = exporter_serve,
	.stop = exporter_stop,
};
