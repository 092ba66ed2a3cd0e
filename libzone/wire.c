// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wire.c - the framing of zoned's socket protocol, shared by zoned and
 * zonectl: varlink's wire format, one JSON object per message terminated
 * by a NUL byte, so generic varlink tools can talk to zoned.  A message may
 * carry file descriptors (SCM_RIGHTS) on the sendmsg() that carries its
 * first byte: stdio for a login without a terminal, a pty master or a
 * console socket coming back.
 *
 * Every message is hostile until parsed: at most ZONE_WIRE_MAX bytes, read
 * within a deadline, one object, no duplicate keys.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "zone.h"
#include "util.h"
#include "runtime.h"

int zone_wire_send(int sock, json_t *msg, const int *fds, size_t n)
{
	_cleanup_free_ char *text = json_dumps(msg, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	size_t len = strlen(text) + 1; /* with the NUL */
	ssize_t k = zone_sendmsg_fds(sock, text, len, fds, n);
	if (k < 0)
		return (int)k;
	/* The descriptors went with the first bytes; the rest follows plainly. */
	return (size_t)k < len ? zone_write_all(sock, text + k, len - (size_t)k) : 0;
}

/*
 * Read bytes up to and including the first NUL into *buf (*len of them),
 * within timeout_ms.  Descriptors that come with them go to fds (*nfd of
 * them, up to want; extra ones are closed), also when it fails.  1: read;
 * 0: EOF before any byte; < 0: the error, in err.
 */
static int read_message(int sock, char **bufp, size_t *lenp, int *fds, size_t want, size_t *nfd,
			int timeout_ms, struct zone_error *err)
{
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = malloc(cap);
	if (!buf)
		return zone_error_set(err, ENOMEM, "out of memory");
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (len == cap) {
			if (cap >= ZONE_WIRE_MAX)
				return zone_error_set(err, EMSGSIZE, "message larger than %d bytes",
						      ZONE_WIRE_MAX);
			cap *= 2;
			char *nb = realloc(buf, cap);
			if (!nb)
				return zone_error_set(err, ENOMEM, "out of memory");
			buf = nb;
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000 +
					  (now.tv_nsec - start.tv_nsec) / 1000000);
		if (timeout_ms >= 0 && left <= 0)
			return zone_error_set(err, ETIMEDOUT, "message not complete within %d ms",
					      timeout_ms);
		struct pollfd pf = { .fd = sock, .events = POLLIN };
		int pr = poll(&pf, 1, timeout_ms < 0 ? -1 : (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue; /* the deadline check above reports it */
		char cbuf[CMSG_SPACE(sizeof(int) * 16)];
		struct iovec iov = { .iov_base = buf + len, .iov_len = cap - len };
		/* Peek without room for descriptors: a peek would install them. */
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t k = recvmsg(sock, &mh, MSG_PEEK);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return zone_error_errno(err, errno, "read");
		if (k == 0) {
			if (len == 0)
				return 0;
			return zone_error_set(err, EBADMSG, "connection closed inside a message");
		}
		/* Consume only up to the first NUL: the next message stays queued. */
		char *nul = memchr(buf + len, '\0', (size_t)k);
		size_t take = nul ? (size_t)(nul - (buf + len)) + 1 : (size_t)k;
		iov.iov_len = take;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		k = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (k <= 0)
			return zone_error_errno(err, k < 0 ? errno : EPIPE, "read");
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			size_t cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int *in = (int *)CMSG_DATA(c);
			for (size_t i = 0; i < cnt; i++) {
				if (*nfd < want)
					fds[(*nfd)++] = in[i];
				else
					close(in[i]);
			}
		}
		len += (size_t)k;
		if (nul)
			break;
	}
	*bufp = TAKE_PTR(buf);
	*lenp = len;
	return 1;
}

/*
 * Read one NUL-terminated message.  Returns 1 with *msg set, 0 at a clean
 * EOF before any byte, or a negative errno: -EMSGSIZE (too big), -ETIMEDOUT
 * (not complete within timeout_ms), -EBADMSG (not one JSON object; the
 * parser's complaint is in err).  Received descriptors go to fds (up to *n;
 * extra ones are closed); without a message there are none (*n = 0).
 */
int zone_wire_recv(int sock, json_t **msg, int *fds, size_t *n, int timeout_ms,
		   struct zone_error *err)
{
	size_t nfd = 0, len = 0;
	_cleanup_free_ char *buf = NULL;
	int r = read_message(sock, &buf, &len, fds, n ? *n : 0, &nfd, timeout_ms, err);
	if (r > 0) {
		json_error_t je;
		*msg = json_loadb(buf, len - 1, JSON_REJECT_DUPLICATES, &je);
		if (!*msg || !json_is_object(*msg)) {
			r = zone_error_set(err, EBADMSG, "malformed request: %s",
					   *msg ? "not a JSON object" : je.text);
			if (*msg)
				json_decref(*msg);
			*msg = NULL;
		}
	}
	if (r <= 0) {
		for (size_t i = 0; i < nfd; i++)
			close(fds[i]);
		nfd = 0;
	}
	if (n)
		*n = nfd;
	return r;
}

char *zone_wire_default_socket(const char *root)
{
	const char *e = getenv("ZONED_SOCKET");
	if (e && *e)
		return strdup(e);
	if (!root || !*root)
		root = getenv("ZONES_ROOT");
	if (!root || !*root || strcmp(root, "/var/lib/zones") == 0)
		return strdup("/run/zones/zoned.sock");
	/* A store of its own gets a daemon of its own, next to it. */
	return zone_strdup_printf("%s/zoned.sock", root);
}
