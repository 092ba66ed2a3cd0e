// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl ps NAME */
#include <stdio.h>

#include "zonectl.h"

static const char usage[] = "zonectl ps NAME";
static const char body[] =
	"List the processes of a running zone: the pid inside the zone, the pid on the\n"
	"host, the user id inside the zone and the command line.\n\n"
	"      --json   print the result as JSON\n"
	"  -h, --help   this text\n";

static void print(json_t *reply)
{
	printf("%7s %9s %6s  %s\n", "PID", "HOST-PID", "UID", "COMMAND");
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(reply, "processes"), i, p)
		printf("%7lld %9lld %6lld  %s\n",
		       (long long)json_integer_value(json_object_get(p, "pid")),
		       (long long)json_integer_value(json_object_get(p, "host_pid")),
		       (long long)json_integer_value(json_object_get(p, "uid")),
		       json_string_value(json_object_get(p, "cmd")));
}

COMMAND(ps)
{
	return zctl_name_command(argc, argv, "ps", usage, body, print);
}
