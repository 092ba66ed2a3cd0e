// SPDX-License-Identifier: GPL-2.0-or-later
/* common.c - the argument pattern shared by NAME-only commands. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "zonectl.h"
#include "private.h"

int zctl_bad_option(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return zctl_usage_error(cmd, "option %s needs a value", argv[optind - 1]);
	if (optopt)
		return zctl_usage_error(cmd, "unknown option '-%c'", optopt);
	return zctl_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

bool zctl_is_utf8(const char *s)
{
	json_t *j = json_string(s);
	json_decref(j);
	return j != NULL;
}

int zctl_check_name(const char *name)
{
	struct zone_error err = { 0 };
	if (zone_name_validate(name, &err) < 0)
		return zctl_error("%s", err.msg);
	return ZCTL_OK;
}

int zctl_read_json_file(const char *path, json_t **out)
{
	_cleanup_free_ char *text = NULL;
	ssize_t n = strcmp(path, "-") == 0 ? zone_read_fd(0, &text, 1 << 20) :
					     zone_read_file(path, &text, 1 << 20);
	if (n == -EFBIG)
		return zctl_error("%s: larger than 1 MiB", path);
	if (n < 0)
		return zctl_error("%s: %s", path, strerror((int)-n));
	json_error_t je;
	json_t *j = json_loadb(text, (size_t)n, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return zctl_error("%s: line %d, column %d: %s", path, je.line, je.column, je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return zctl_error("%s: not a JSON object", path);
	}
	*out = j;
	return ZCTL_OK;
}

int zctl_name_command(int argc, char **argv, const char *method, const char *usage,
		      const char *body, void (*print)(json_t *reply))
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option(argv[0], c, argv);
		}
	}
	if (argc - optind != 1)
		return zctl_usage_error(argv[0], "expects exactly one zone name");
	if (zctl_check_name(argv[optind]) != ZCTL_OK)
		return ZCTL_FAIL;
	json_t *reply = NULL;
	int r = zctl_call(method, json_pack("{s:s}", "name", argv[optind]), &reply);
	if (r == ZCTL_OK) {
		if (json || !print)
			zctl_print_json(reply);
		else
			print(reply);
	}
	json_decref(reply);
	return r;
}

void zctl_print_nothing(json_t *reply)
{
	(void)reply;
}
