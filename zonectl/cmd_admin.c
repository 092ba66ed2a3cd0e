// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl admin add|remove|list NAME [--user U | --group G] [--auths A,B] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonectl.h"

static const char usage[] =
	"zonectl admin add|remove|list NAME [--user USER | --group GROUP] [--auths AUTHS]";
static const char body[] =
	"Delegate a zone to a non-root user or group (the Solaris 'admin' resource).\n"
	"Authorizations: 'manage' (boot, halt, shutdown, reboot, ps, stat), 'login'\n"
	"(login, console, ps, stat) and 'clone' (use the zone as a clone source).\n"
	"Everything that touches the host (configuration, install, uninstall, delete)\n"
	"stays root's.  Only root may add or remove; list shows the zone's admins.\n\n"
	"  add      grant AUTHS (merged with what the user or group already holds)\n"
	"  remove   take AUTHS away, or every authorization when --auths is not given\n"
	"  list     print the zone's admins\n\n"
	"  -u, --user USER     a user name\n"
	"  -g, --group GROUP   a group name\n"
	"  -a, --auths AUTHS   comma-separated: login,manage,clone\n"
	"      --json          print the result as JSON\n"
	"  -h, --help          this text\n";

COMMAND(admin)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },  { "group", required_argument, NULL, 'g' },
		{ "auths", required_argument, NULL, 'a' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *group = NULL, *auths = NULL;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, ":u:g:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'u': user = optarg; break;
		case 'g': group = optarg; break;
		case 'a': auths = optarg; break;
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option("admin", c, argv);
		}
	}
	if (argc - optind != 2)
		return zctl_usage_error("admin", "expects add, remove or list, and a zone name");
	const char *what = argv[optind], *name = argv[optind + 1];
	const char *verb = !strcmp(what, "add") ? "admin_add" :
			   !strcmp(what, "remove") ? "admin_remove" :
			   !strcmp(what, "list") ? "admin_list" : NULL;
	if (!verb)
		return zctl_usage_error("admin", "\"%s\": not add, remove or list",
					zctl_is_utf8(what) ? what : "?");
	if (zctl_check_name(name) != ZCTL_OK)
		return ZCTL_FAIL;
	bool listing = !strcmp(what, "list");
	if (!listing && !!user == !!group)
		return zctl_usage_error("admin", "%s needs exactly one of --user and --group", what);
	if (!strcmp(what, "add") && !auths)
		return zctl_usage_error("admin", "add needs --auths");
	if ((user && !zctl_is_utf8(user)) || (group && !zctl_is_utf8(group)) ||
	    (auths && !zctl_is_utf8(auths)))
		return zctl_error("admin %s: an argument is not valid UTF-8", name);
	json_t *p = json_pack("{s:s,s:s?,s:s?}", "name", name, "user", user, "group", group);
	if (auths) {
		char *a = strdup(auths), *save = NULL;
		json_t *arr = json_array();
		for (char *t = strtok_r(a, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(arr, json_string(t));
		free(a);
		json_object_set_new(p, "auths", arr);
	}
	json_t *reply = NULL;
	int r = zctl_call(verb, p, &reply);
	if (r != ZCTL_OK)
		return r;
	if (json) {
		zctl_print_json(reply);
	} else if (listing) {
		size_t i;
		json_t *e;
		json_array_foreach(json_object_get(reply, "admins"), i, e) {
			const char *u = json_string_value(json_object_get(e, "user"));
			const char *g = json_string_value(json_object_get(e, "group"));
			printf("%-6s %-20s ", u ? "user" : "group", u ? u : g);
			size_t k;
			json_t *a;
			json_array_foreach(json_object_get(e, "auths"), k, a)
				printf("%s%s", k ? "," : "", json_string_value(a));
			putchar('\n');
		}
	}
	json_decref(reply);
	return ZCTL_OK;
}
