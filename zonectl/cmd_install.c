// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl install NAME */
#include "zonectl.h"

static const char usage[] = "zonectl install NAME";
static const char body[] =
	"Build the zone's root with its brand's install hook.  The zone is 'incomplete'\n"
	"while this runs and 'installed' when it is done; if the install fails or is\n"
	"interrupted it stays 'incomplete' and 'zonectl uninstall -F NAME' cleans up.\n"
	"The hook's output is kept in ZONES_ROOT/log/NAME.install.log.\n\n"
	"      --json   print the result as JSON\n"
	"  -h, --help   this text\n";

static void print(json_t *reply)
{
	printf("%s: %s\n", json_string_value(json_object_get(reply, "name")),
	       json_string_value(json_object_get(reply, "state")));
}

COMMAND(install)
{
	return zctl_name_command(argc, argv, "install", usage, body, print);
}
