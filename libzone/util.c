// SPDX-License-Identifier: LGPL-2.1-or-later
/* util.c - small helpers: quoting, paths, files. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

char *zone_quote(const char *s, size_t max)
{
	size_t len = strlen(s);
	bool cut = len > max;
	if (cut)
		len = max;
	/* worst case: every byte becomes \xNN */
	char *out = malloc(len * 4 + 8);
	if (!out)
		return NULL;
	char *o = out;
	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c < 0x20 || c >= 0x7f) {
			o += sprintf(o, "\\x%02x", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	if (cut) {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o = '\0';
	return out;
}

bool zone_path_is_normal_absolute(const char *p)
{
	if (!p || p[0] != '/')
		return false;
	if (strlen(p) >= PATH_MAX)
		return false;
	if (strcmp(p, "/") == 0)
		return true;
	const char *c = p;
	while (*c) {
		/* c points at a '/' */
		const char *start = c + 1;
		const char *end = strchr(start, '/');
		size_t n = end ? (size_t)(end - start) : strlen(start);
		if (n == 0)
			return false; /* "//" or trailing '/' */
		if ((n == 1 && start[0] == '.') || (n == 2 && start[0] == '.' && start[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)start[i] < 0x20 || start[i] == 0x7f)
				return false;
		if (!end)
			break;
		c = end;
	}
	return true;
}

bool zone_path_is_under(const char *path, const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return true;
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

ssize_t zone_read_fd(int fd, char **out, size_t max)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			/* grow past max once, so that a file of exactly max bytes reaches EOF */
			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		free(buf);
		return -EFBIG;
	}
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

ssize_t zone_read_file(const char *path, char **out, size_t max)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	return zone_read_fd(fd, out, max);
}

int zone_mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0) {
		if (errno != EEXIST)
			return -errno;
		/* like mkdir -p: an existing file that is not a directory is an error */
		struct stat st;
		if (stat(p, &st) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	return 0;
}

char *zone_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

int zone_parse_u64(const char *s, uint64_t *out)
{
	if (!s || !*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * Field `field` (1-based, >= 3) of /proc/PID/stat, or -1.  Into a buffer
 * on the stack (the line is well under 2 KiB): the network namespace helper
 * (monitor.c) shares the monitor's memory and may not allocate.
 */
long long zone_proc_stat_field(pid_t pid, int field)
{
	char path[64], buf[2048];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may contain spaces and ')': skip to the last ')' */
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	p++;
	/* after ')' come fields 3.. */
	for (int f = 3; f < field; f++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -1;
	}
	return strtoll(p + 1, NULL, 10);
}

uint64_t zone_proc_starttime(pid_t pid)
{
	long long v = zone_proc_stat_field(pid, 22);
	return v < 0 ? 0 : (uint64_t)v;
}

void zone_reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
}

size_t zone_strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

char **zone_strv_copy(char *const *v)
{
	size_t n = zone_strv_len(v);
	char **c = calloc(n + 1, sizeof(char *));
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		c[i] = strdup(v[i]);
		if (!c[i]) {
			strv_freep(&c);
			return NULL;
		}
	}
	return c;
}

int zone_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
