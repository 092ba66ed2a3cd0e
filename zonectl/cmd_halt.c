// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl halt NAME */
#include "zonectl.h"

static const char usage[] = "zonectl halt NAME";
static const char body[] =
	"Stop a zone at once: every process in it is killed (no shutdown scripts run),\n"
	"its cgroups and mounts are removed, and it is 'installed' again.\n\n"
	"      --json   print the result as JSON\n"
	"  -h, --help   this text\n";

COMMAND(halt)
{
	return zctl_name_command(argc, argv, "halt", usage, body, zctl_print_nothing);
}
