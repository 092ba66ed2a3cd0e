// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl show NAME */
#include "zonectl.h"

static const char usage[] = "zonectl show NAME";
static const char body[] =
	"Print a zone's configuration as zone.json(5).\n\n"
	"      --json   print the reply object {\"config\": ...}\n"
	"  -h, --help   this text\n";

static void print(json_t *reply)
{
	zctl_print_json(json_object_get(reply, "config"));
}

COMMAND(show)
{
	return zctl_name_command(argc, argv, "show", usage, body, print);
}
