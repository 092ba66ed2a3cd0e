// SPDX-License-Identifier: GPL-2.0-or-later
/* log.c - zoned's log and audit trail: ZONES_ROOT/log/zoned.log, one line each. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "zoned.h"
#include "private.h"

void zoned_log(struct zoned *d, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	int n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03ldZ zoned[%d]: ",
		      ts.tv_nsec / 1000000, (int)getpid());
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	for (int i = 0; i < n; i++)
		if (line[i] == '\n')
			line[i] = ' '; /* one line per event, whatever the message holds */
	line[n++] = '\n';
	/* O_APPEND and one write: lines from concurrent workers never interleave. */
	int fd = open(d->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		zone_write_all(fd, line, (size_t)n);
		close(fd);
	}
}
