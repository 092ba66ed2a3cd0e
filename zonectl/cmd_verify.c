// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl verify NAME */
#include <getopt.h>
#include <stdio.h>

#include "zonectl.h"

static const char usage[] = "zonectl verify NAME";
static const char body[] =
	"Check a zone's configuration against this host: the brand exists, the zonepath\n"
	"does not overlap another zone, the cpuset's CPUs are online, the limits fit the\n"
	"machine, bind sources, devices and admin users exist.  Prints one line per\n"
	"problem and exits 1 if there is any.\n\n"
	"      --json   print {name, ok, problems[]} (exit status as above)\n"
	"  -h, --help   this text\n";

COMMAND(verify)
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
		default:
			return zctl_bad_option("verify", c, argv);
		}
	}
	if (argc - optind != 1)
		return zctl_usage_error("verify", "expects exactly one zone name");
	const char *name = argv[optind];
	if (zctl_check_name(name) != ZCTL_OK)
		return ZCTL_FAIL;
	json_t *reply = NULL;
	int r = zctl_call("verify", json_pack("{s:s}", "name", name), &reply);
	if (r != ZCTL_OK)
		return r;
	bool ok = json_is_true(json_object_get(reply, "ok"));
	if (json) {
		zctl_print_json(reply);
	} else {
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(reply, "problems"), i, p)
			zctl_error("verify %s: %s", name, json_string_value(p));
	}
	json_decref(reply);
	return ok ? ZCTL_OK : ZCTL_FAIL;
}
