// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * name.c - the one validator for zone names, used by every entry point
 * (CLI, daemon requests, config files, archives).  A valid name is safe as
 * a single path component, a cgroup directory, a file name in the index and
 * part of an interface name prefix.
 */
#include <errno.h>
#include <string.h>

#include "zone.h"
#include "util.h"

int zone_name_validate(const char *name, struct zone_error *err)
{
	if (!name || !*name)
		return zone_error_set(err, EINVAL, "zone name: \"\": must not be empty");

	size_t len = strlen(name);
	_cleanup_free_ char *shown = zone_quote(name, 80);
	if (len > ZONE_NAME_MAX)
		return zone_error_set(err, EINVAL, "zone name: %s: longer than %d characters",
				      shown, ZONE_NAME_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9');
		if (i == 0 && !alnum)
			return zone_error_set(err, EINVAL,
					      "zone name: %s: must start with a letter or digit",
					      shown);
		if (!alnum && ch != '_' && ch != '.' && ch != '-')
			return zone_error_set(err, EINVAL,
					      "zone name: %s: only letters, digits, '_', '.' and '-' are allowed",
					      shown);
	}
	if (strcmp(name, "global") == 0)
		return zone_error_set(err, EINVAL, "zone name: \"global\": reserved for the host");
	return 0;
}
