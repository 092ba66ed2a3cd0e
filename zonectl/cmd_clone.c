// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl clone SOURCE NEW [--method snapshot|reflink|copy] [--set KEY=VALUE]... */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "zonectl.h"
#include "private.h"

static const char usage[] =
	"zonectl clone SOURCE NEW [--method snapshot|reflink|copy] [--set KEY=VALUE]...";
static const char body[] =
	"Install the zone NEW from SOURCE's root.  Run by root with no zone NEW, it\n"
	"first creates NEW from SOURCE's configuration, with its own zonepath, host\n"
	"name, id, uid range and MACs and no network addresses (--set gives new ones).\n"
	"A user who holds 'clone' on SOURCE may clone into a NEW that root configured\n"
	"and delegated to them with 'manage'.  SOURCE must be installed; a running\n"
	"SOURCE clones only with --method snapshot, which is crash-consistent.\n"
	"In the clone /etc/hostname and /etc/hosts name NEW, /etc/machine-id is\n"
	"empty and the SSH host keys are gone; the brand's clone hook does the rest.\n"
	"NEW is 'incomplete' while it is built, and stays so (saying why) if it fails.\n\n"
	"  -m, --method M        snapshot (btrfs subvolume), reflink (btrfs, xfs with\n"
	"                        reflink=1) or copy; the fastest that works by default\n"
	"  -s, --set KEY=VALUE   a property of NEW (only when clone creates NEW);\n"
	"                        net.IFNAME.address=, .gateway=, .mac= give an\n"
	"                        interface what the clone clears\n"
	"      --json            print the result as JSON\n"
	"  -h, --help            this text\n";

COMMAND(clone)
{
	static const struct option opts[] = {
		{ "method", required_argument, NULL, 'm' }, { "set", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },         { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *method = NULL;
	bool json = false;
	_cleanup_json_ json_t *sets = json_array();
	int c;
	while ((c = getopt_long(argc, argv, ":m:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': method = optarg; break;
		case 's':
			if (json_array_append_new(sets, json_string(optarg)) < 0)
				return zctl_error("clone: --set: not valid UTF-8");
			break;
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option("clone", c, argv);
		}
	}
	if (argc - optind != 2)
		return zctl_usage_error("clone", "expects a source zone and a new zone's name");
	const char *source = argv[optind], *target = argv[optind + 1];
	if (zctl_check_name(source) != ZCTL_OK || zctl_check_name(target) != ZCTL_OK)
		return ZCTL_FAIL;
	if (method && strcmp(method, "snapshot") && strcmp(method, "reflink") &&
	    strcmp(method, "copy"))
		return zctl_usage_error("clone", "--method: \"%s\": not one of snapshot, reflink, "
					"copy", method);
	json_t *reply = NULL;
	int r = zctl_call_long("clone", json_pack("{s:s,s:s,s:s?,s:O}", "name", source, "target",
						  target, "method", method, "set", sets),
			       NULL, 0, &reply);
	if (r == ZCTL_OK) {
		if (json) {
			zctl_print_json(reply);
		} else {
			printf("%s: installed, cloned from %s by %s\n", target, source,
			       json_string_value(json_object_get(reply, "method")));
			if (json_is_true(json_object_get(reply, "crash_consistent")))
				printf("%s: %s was running: the clone is crash-consistent (as after "
				       "a power cut)\n", target, source);
		}
	}
	json_decref(reply);
	return r;
}
