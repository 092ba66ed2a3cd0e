// SPDX-License-Identifier: GPL-2.0-or-later
/* stop.c - the argument pattern of shutdown and reboot: [-t SECONDS] NAME */
#include <getopt.h>
#include <stdlib.h>

#include "zonectl.h"

int zctl_stop_command(int argc, char **argv, const char *usage, const char *body)
{
	static const struct option opts[] = {
		{ "timeout", required_argument, NULL, 't' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
	};
	const char *verb = argv[0];
	bool json = false;
	long timeout = 60;
	int c;
	while ((c = getopt_long(argc, argv, ":t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': {
			char *end;
			timeout = strtol(optarg, &end, 10);
			if (*end || end == optarg || timeout < 0 || timeout > 86400)
				return zctl_usage_error(verb, "--timeout: \"%s\": not a number of "
							"seconds (0 to 86400)", optarg);
			break;
		}
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option(verb, c, argv);
		}
	}
	if (argc - optind != 1)
		return zctl_usage_error(verb, "expects exactly one zone name");
	if (zctl_check_name(argv[optind]) != ZCTL_OK)
		return ZCTL_FAIL;
	json_t *reply = NULL;
	int r = zctl_call(verb, json_pack("{s:s,s:i}", "name", argv[optind], "timeout",
					  (int)timeout), &reply);
	if (r == ZCTL_OK && json)
		zctl_print_json(reply);
	json_decref(reply);
	return r;
}
