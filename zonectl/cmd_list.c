// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl list [-v | -p | --json] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "zonectl.h"

static const char usage[] = "zonectl list [-v | -p | --json]";
static const char body[] =
	"List zones.  A zone whose files cannot be read is listed with state 'error'\n"
	"and the reason; the others are listed as usual.\n\n"
	"  -v, --verbose    a table: ID NAME STATE PATH BRAND IP KZONE (the kernel\n"
	"                   zone ID, with the oszone LSM; '-' otherwise), and under a\n"
	"                   zone why it is incomplete, or that it is detached\n"
	"  -p, --parsable   (or --parseable) one line per zone:\n"
	"                   id:name:state:zonepath:brand:ip_type\n"
	"                   (id is '-' when the zone is not running; ':' and '\\'\n"
	"                   inside fields are escaped with '\\')\n"
	"      --json       the whole reply as JSON\n"
	"  -h, --help       this text\n";

static void put_field(const char *s)
{
	for (; *s; s++) {
		if (*s == ':' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
}

COMMAND(list)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' }, { "parsable", no_argument, NULL, 'p' },
		{ "parseable", no_argument, NULL, 'p' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },    { NULL, 0, NULL, 0 },
	};
	char mode = 'n';
	int c;
	while ((c = getopt_long(argc, argv, ":vph", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
		case 'p':
		case 'j': mode = (char)c; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default:
			return zctl_bad_option("list", c, argv);
		}
	}
	if (optind != argc)
		return zctl_usage_error("list", "takes no arguments");
	json_t *reply = NULL;
	int r = zctl_call("list", json_object(), &reply);
	if (r != ZCTL_OK)
		return r;
	json_t *zones = json_object_get(reply, "zones");
	if (mode == 'j') {
		zctl_print_json(reply);
		json_decref(reply);
		return ZCTL_OK;
	}
	if (mode == 'v')
		printf("%-5s %-20s %-13s %-30s %-8s %-9s %s\n", "ID", "NAME", "STATE", "PATH",
		       "BRAND", "IP", "KZONE");
	size_t i;
	json_t *z;
	bool any_error = false;
	json_array_foreach(zones, i, z) {
		const char *name = json_string_value(json_object_get(z, "name"));
		const char *state = json_string_value(json_object_get(z, "state"));
		const char *path = json_string_value(json_object_get(z, "zonepath"));
		const char *brand = json_string_value(json_object_get(z, "brand"));
		const char *ip = json_string_value(json_object_get(z, "ip_type"));
		const char *error = json_string_value(json_object_get(z, "error"));
		json_t *idv = json_object_get(z, "id");
		char id[32] = "-";
		if (json_is_integer(idv))
			snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(idv));
		if (error)
			any_error = true;
		switch (mode) {
		case 'p':
			fputs(id, stdout);
			putchar(':');
			put_field(name);
			putchar(':');
			put_field(state);
			putchar(':');
			put_field(path ? path : "");
			putchar(':');
			put_field(brand ? brand : "");
			putchar(':');
			put_field(ip ? ip : "");
			putchar('\n');
			break;
		case 'v': {
			json_t *kzv = json_object_get(z, "kernel_zone_id");
			char kz[32] = "-";
			if (json_is_integer(kzv))
				snprintf(kz, sizeof(kz), "kz%lld", (long long)json_integer_value(kzv));
			printf("%-5s %-20s %-13s %-30s %-8s %-9s %s\n", id, name, state,
			       path ? path : "-", brand ? brand : "-", ip ? ip : "-", kz);
			if (error)
				printf("      error: %s\n", error);
			const char *why = json_string_value(json_object_get(z, "reason"));
			if (why)
				printf("      incomplete: %s\n", why);
			const char *went = json_string_value(json_object_get(z, "moved_to"));
			if (went)
				printf("      moved to %s (zonectl move)\n", went);
			if (json_is_true(json_object_get(z, "detached")))
				printf("      detached: its root waits in %s; 'zonectl attach %s' "
				       "takes it in\n", path ? path : "-", name);
			break;
		}
		default:
			puts(name);
		}
		if (error && mode != 'v')
			fprintf(stderr, "zonectl: %s: %s\n", name, error);
	}
	json_decref(reply);
	(void)any_error; /* listing others still succeeds */
	return ZCTL_OK;
}
