// SPDX-License-Identifier: GPL-2.0-or-later
/* edit.c - the argument pattern of set/add/remove: NAME [KIND] KEY=VALUE... */
#include <getopt.h>
#include <string.h>

#include "zonectl.h"

int zctl_edit_command(int argc, char **argv, const char *usage, const char *body, bool kind)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *verb = argv[0];
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default:
			return zctl_bad_option(verb, c, argv);
		}
	}
	int need = kind ? 3 : 2;
	if (argc - optind < need)
		return zctl_usage_error(verb, "expects NAME %sKEY=VALUE...", kind ? "KIND " : "");
	const char *name = argv[optind];
	if (zctl_check_name(name) != ZCTL_OK)
		return ZCTL_FAIL;
	const char *k = kind ? argv[optind + 1] : NULL;
	if (k && !zctl_is_utf8(k))
		return zctl_error("%s %s: resource kind: not valid UTF-8", verb, name);
	json_t *props = zctl_strv_json(argc, argv, optind + need - 1);
	if (!props)
		return zctl_error("%s %s: an argument is not valid UTF-8", verb, name);
	json_t *reply = NULL;
	int r = zctl_call(verb, json_pack("{s:s,s:s?,s:o}", "name", name, "kind", k,
					  kind ? "properties" : "assignments", props), &reply);
	if (r == ZCTL_OK && json)
		zctl_print_json(reply);
	json_decref(reply);
	return r;
}
