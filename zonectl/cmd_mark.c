// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl mark NAME incomplete|installed */
#include <getopt.h>

#include "zonectl.h"

static const char usage[] = "zonectl mark NAME incomplete|installed";
static const char body[] =
	"Recovery: mark an installed zone incomplete (so it will not boot), or an\n"
	"incomplete zone installed once you have repaired its root by hand.\n\n"
	"      --json   print the result as JSON\n"
	"  -h, --help   this text\n";

COMMAND(mark)
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
			return zctl_bad_option("mark", c, argv);
		}
	}
	if (argc - optind != 2)
		return zctl_usage_error("mark", "expects NAME and a state (incomplete, installed)");
	if (zctl_check_name(argv[optind]) != ZCTL_OK)
		return ZCTL_FAIL;
	if (!zctl_is_utf8(argv[optind + 1]))
		return zctl_error("mark %s: state: not valid UTF-8", argv[optind]);
	json_t *reply = NULL;
	int r = zctl_call("mark", json_pack("{s:s,s:s}", "name", argv[optind], "state",
					    argv[optind + 1]), &reply);
	if (r == ZCTL_OK && json)
		zctl_print_json(reply);
	json_decref(reply);
	return r;
}
