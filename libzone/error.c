// SPDX-License-Identifier: LGPL-2.1-or-later
/* error.c - the error object passed down every fallible libzone call. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "zone.h"

static int vset(struct zone_error *err, int code, bool with_errno, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (code == 0)
		code = EINVAL;
	if (!err)
		return -code;
	err->code = code;
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(code));
	return -code;
}

int zone_error_set(struct zone_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vset(err, code, false, fmt, ap);
	va_end(ap);
	return r;
}

int zone_error_errno(struct zone_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vset(err, code, true, fmt, ap);
	va_end(ap);
	return r;
}

int zone_error_wrap(struct zone_error *err, const char *fmt, ...)
{
	if (!err)
		return -EINVAL;
	if (err->code == 0)
		err->code = EINVAL;
	char prefix[ZONE_ERROR_MAX], old[ZONE_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -err->code;
}

void zone_error_clear(struct zone_error *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
