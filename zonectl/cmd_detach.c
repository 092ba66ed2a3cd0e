// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl detach [-n] NAME */
#include <getopt.h>
#include <stdio.h>

#include "zonectl.h"

static const char usage[] = "zonectl detach [-n] NAME";
static const char body[] =
	"Detach a halted zone so that its zonepath can be carried to another host (or\n"
	"another zones root) and attached there.  Writes ZONEPATH/detached.json: the\n"
	"configuration, the brand and its version, the architecture, the libzone\n"
	"version and a digest of the root.  The zone becomes 'configured' and\n"
	"detached: install, clone and boot refuse it until 'zonectl attach'.\n"
	"The root itself is not changed.\n\n"
	"  -n, --dry-run   print the manifest, change nothing\n"
	"      --json      print the result as JSON\n"
	"  -h, --help      this text\n";

COMMAND(detach)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },    { NULL, 0, NULL, 0 },
	};
	bool dry = false, json = false;
	int c;
	while ((c = getopt_long(argc, argv, ":nh", opts, NULL)) != -1) {
		switch (c) {
		case 'n': dry = true; break;
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option("detach", c, argv);
		}
	}
	if (argc - optind != 1)
		return zctl_usage_error("detach", "expects exactly one zone name");
	const char *name = argv[optind];
	if (zctl_check_name(name) != ZCTL_OK)
		return ZCTL_FAIL;
	json_t *reply = NULL;
	int r = zctl_call_long("detach", json_pack("{s:s,s:b}", "name", name, "dry_run", dry), NULL,
			       0, &reply);
	if (r == ZCTL_OK) {
		json_t *m = json_object_get(reply, "manifest");
		if (json || dry) {
			zctl_print_json(json ? reply : m);
		} else {
			json_t *root = json_object_get(m, "root");
			printf("%s: detached; %lld files, %lld bytes, digest %s\n", name,
			       (long long)json_integer_value(json_object_get(root, "files")),
			       (long long)json_integer_value(json_object_get(root, "bytes")),
			       json_string_value(json_object_get(root, "digest")));
		}
	}
	json_decref(reply);
	return r;
}
