// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl uninstall [-F] NAME */
#include <getopt.h>

#include "zonectl.h"

static const char usage[] = "zonectl uninstall [-F] NAME";
static const char body[] =
	"Remove the zone's root and return it to 'configured'.  The zone must be halted.\n"
	"The removal never follows symbolic links and never crosses into another file\n"
	"system.\n\n"
	"  -F, --force  also clean up an 'incomplete' zone (a failed or interrupted\n"
	"               install or uninstall)\n"
	"      --json   print the result as JSON\n"
	"  -h, --help   this text\n";

COMMAND(uninstall)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'F' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },  { NULL, 0, NULL, 0 },
	};
	bool json = false, force = false;
	int c;
	while ((c = getopt_long(argc, argv, ":Fh", opts, NULL)) != -1) {
		switch (c) {
		case 'F': force = true; break;
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option("uninstall", c, argv);
		}
	}
	if (argc - optind != 1)
		return zctl_usage_error("uninstall", "expects exactly one zone name");
	if (zctl_check_name(argv[optind]) != ZCTL_OK)
		return ZCTL_FAIL;
	json_t *reply = NULL;
	int r = zctl_call("uninstall", json_pack("{s:s,s:b}", "name", argv[optind], "force", force),
			  &reply);
	if (r == ZCTL_OK && json)
		zctl_print_json(reply);
	json_decref(reply);
	return r;
}
