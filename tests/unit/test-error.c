// SPDX-License-Identifier: GPL-2.0-or-later
/* test-error.c - the error object: set, errno, wrap, clear. */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "zone.h"

int main(void)
{
	struct zone_error err = { 0 };
	char big[2 * ZONE_ERROR_MAX];

	is_int(zone_error_set(&err, EINVAL, "limits.cpu_cap: %d: out of range", 0), -EINVAL,
	       "set returns -code");
	is_int(err.code, EINVAL, "set stores the code");
	is_str(err.msg, "limits.cpu_cap: 0: out of range", "set formats the message");

	is_int(zone_error_set(&err, -EPERM, "x"), -EPERM, "a negative code is accepted as -errno");
	is_int(err.code, EPERM, "and stored positive");
	is_int(zone_error_set(&err, 0, "y"), -EINVAL, "code 0 becomes EINVAL");
	is_int(err.code, EINVAL, "code 0 stores EINVAL");

	is_int(zone_error_errno(&err, ENOENT, "open %s", "/x"), -ENOENT, "errno returns -code");
	is_str(err.msg, "open /x: No such file or directory", "errno appends strerror");

	is_int(zone_error_wrap(&err, "boot %s", "web"), -ENOENT, "wrap returns the stored code");
	is_str(err.msg, "boot web: open /x: No such file or directory", "wrap prefixes context");
	zone_error_wrap(&err, "zoned");
	is_str(err.msg, "zoned: boot web: open /x: No such file or directory", "wrap nests");

	zone_error_clear(&err);
	ok(err.code == 0 && err.msg[0] == '\0', "clear empties the error");
	is_int(zone_error_wrap(&err, "ctx"), -EINVAL, "wrap of a cleared error gives EINVAL");
	is_str(err.msg, "ctx: ", "wrap of a cleared error keeps just the context");

	is_int(zone_error_set(NULL, ENOSPC, "z"), -ENOSPC, "set with err == NULL returns -code");
	is_int(zone_error_errno(NULL, EIO, "z"), -EIO, "errno with err == NULL returns -code");
	is_int(zone_error_wrap(NULL, "z"), -EINVAL, "wrap with err == NULL returns -EINVAL");
	zone_error_clear(NULL);
	ok(1, "clear accepts NULL");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	zone_error_set(&err, E2BIG, "%s", big);
	is_int(strlen(err.msg), ZONE_ERROR_MAX - 1, "a long message is cut to the buffer");
	zone_error_errno(&err, E2BIG, "%s", big);
	is_int(strlen(err.msg), ZONE_ERROR_MAX - 1, "a long message with errno is cut too");
	zone_error_wrap(&err, "%s", big);
	is_int(strlen(err.msg), ZONE_ERROR_MAX - 1, "a long wrap is cut too");
	is_int(err.code, E2BIG, "wrap keeps the code");

	return done();
}
