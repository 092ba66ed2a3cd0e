// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl create NAME --brand B [--set k=v ...] | --from FILE.json */
#include <getopt.h>
#include <stdlib.h>

#include "zonectl.h"

static const char usage[] = "zonectl create NAME (--brand BRAND | --from FILE.json) [--set KEY=VALUE]...";
static const char body[] =
	"Configure a new zone.  The zone is 'configured': it has a config and no root\n"
	"yet ('zonectl install' makes one).\n\n"
	"  -b, --brand BRAND     the brand (busybox, sparse, ...)\n"
	"  -f, --from FILE.json  start from a zone.json(5) file ('-' reads stdin)\n"
	"  -s, --set KEY=VALUE   set a property; dotted keys reach nested ones\n"
	"                        (limits.memory_cap=256M); may be repeated\n"
	"      --json            print the result as JSON\n"
	"  -h, --help            this text\n";

COMMAND(create)
{
	static const struct option opts[] = {
		{ "brand", required_argument, NULL, 'b' }, { "from", required_argument, NULL, 'f' },
		{ "set", required_argument, NULL, 's' },   { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
	};
	const char *brand = NULL, *from = NULL;
	bool json = false;
	json_t *sets = json_array();
	int c, r;
	while ((c = getopt_long(argc, argv, ":b:f:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': brand = optarg; break;
		case 'f': from = optarg; break;
		case 's':
			if (json_array_append_new(sets, json_string(optarg)) < 0) {
				json_decref(sets);
				return zctl_error("create: --set: not valid UTF-8");
			}
			break;
		case 'j': json = true; break;
		case 'h': json_decref(sets); zctl_help(usage, body); return ZCTL_OK;
		default:
			json_decref(sets);
			return zctl_bad_option("create", c, argv);
		}
	}
	if (argc - optind != 1) {
		json_decref(sets);
		return zctl_usage_error("create", "expects exactly one zone name");
	}
	const char *name = argv[optind];
	if (zctl_check_name(name) != ZCTL_OK) {
		json_decref(sets);
		return ZCTL_FAIL;
	}
	if (!brand && !from) {
		json_decref(sets);
		return zctl_usage_error("create", "needs --brand or --from");
	}
	if (brand && !zctl_is_utf8(brand)) {
		json_decref(sets);
		return zctl_error("create %s: --brand: not valid UTF-8", name);
	}
	json_t *config = NULL;
	if (from && (r = zctl_read_json_file(from, &config)) != ZCTL_OK) {
		json_decref(sets);
		return r;
	}
	json_t *reply = NULL;
	r = zctl_call("create", json_pack("{s:s,s:s?,s:o,s:o?}", "name", name, "brand", brand,
					  "set", sets, "config", config), &reply);
	if (r == ZCTL_OK && json)
		zctl_print_json(reply);
	json_decref(reply);
	return r;
}
