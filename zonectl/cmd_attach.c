// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl attach [-n] [-u] [-F] [--zonepath PATH] NAME */
#include <getopt.h>
#include <stdio.h>

#include "zonectl.h"

static const char usage[] = "zonectl attach [-n] [-u] [-F] [--zonepath PATH] NAME";
static const char body[] =
	"Attach a detached zone whose zonepath was carried here (disk, rsync -aHAX,\n"
	"NFS): read ZONEPATH/detached.json, check that this host can take the zone,\n"
	"and make it 'installed'.  The checks: the brand exists here with the same\n"
	"major version, the architecture is this host's, the root's digest is the\n"
	"manifest's, and what the configuration needs (bridges, devices, CPUs, fs\n"
	"sources) is here.  Each problem is one line; a failed attach leaves the zone\n"
	"configured and the zonepath as it was.  A zone NAME not configured here is\n"
	"created from the manifest's configuration.\n\n"
	"  -z, --zonepath PATH   where the zonepath is (default: the zone's, or\n"
	"                        ZONES_ROOT/zones/NAME)\n"
	"  -n, --dry-run         check and say what would happen, change nothing\n"
	"  -u, --update          run the brand's update hook (a root of another major\n"
	"                        brand version)\n"
	"  -F, --force           attach without the checks (and say so)\n"
	"      --json            print the result as JSON\n"
	"  -h, --help            this text\n";

COMMAND(attach)
{
	static const struct option opts[] = {
		{ "zonepath", required_argument, NULL, 'z' }, { "dry-run", no_argument, NULL, 'n' },
		{ "update", no_argument, NULL, 'u' },         { "force", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },           { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *zonepath = NULL;
	bool dry = false, update = false, force = false, json = false;
	int c;
	while ((c = getopt_long(argc, argv, ":z:nuFh", opts, NULL)) != -1) {
		switch (c) {
		case 'z': zonepath = optarg; break;
		case 'n': dry = true; break;
		case 'u': update = true; break;
		case 'F': force = true; break;
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option("attach", c, argv);
		}
	}
	if (argc - optind != 1)
		return zctl_usage_error("attach", "expects exactly one zone name");
	const char *name = argv[optind];
	if (zctl_check_name(name) != ZCTL_OK)
		return ZCTL_FAIL;
	if (zonepath && !zctl_is_utf8(zonepath))
		return zctl_error("attach %s: --zonepath: not valid UTF-8", name);
	json_t *reply = NULL;
	int r = zctl_call_long("attach", json_pack("{s:s,s:s?,s:b,s:b,s:b}", "name", name,
						   "zonepath", zonepath, "dry_run", dry, "update",
						   update, "force", force),
			       NULL, 0, &reply);
	if (r != ZCTL_OK)
		return r;
	json_t *problems = json_object_get(reply, "problems");
	bool attached = json_is_true(json_object_get(reply, "attached"));
	size_t n_problems = json_array_size(problems);
	if (json) {
		zctl_print_json(reply);
	} else {
		size_t i;
		json_t *p;
		json_array_foreach(problems, i, p)
			fprintf(dry ? stdout : stderr, "%s%s: %s\n", dry ? "" : "zonectl: attach ",
				name, json_string_value(p));
		if (dry && force)
			printf("%s: would attach WITHOUT checks (-F)\n", name);
		else if (force && attached)
			printf("%s: attached WITHOUT checks (-F); installed\n", name);
		else if (attached)
			printf("%s: attached; installed\n", name);
		else if (dry && !n_problems)
			printf("%s: would attach (the checks pass)\n", name);
		else if (dry)
			printf("%s: would not attach (%zu problem%s)\n", name, n_problems,
			       n_problems == 1 ? "" : "s");
	}
	json_decref(reply); /* and problems with it */
	if (dry)
		return n_problems ? ZCTL_FAIL : ZCTL_OK;
	return attached ? ZCTL_OK : ZCTL_FAIL;
}
