// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl set NAME KEY=VALUE... */
#include "zonectl.h"

static const char usage[] = "zonectl set NAME KEY=VALUE...";
static const char body[] =
	"Change configuration properties.  Dotted keys reach nested properties\n"
	"(limits.memory_cap=512M, attrs.owner=web-team); an empty value (KEY=)\n"
	"removes the property.  List properties take comma-separated values\n"
	"(limitpriv=chown,kill).  Use add/remove for net, fs, devices and admins.\n"
	"Either every assignment is applied or none is.  brand and zonepath cannot\n"
	"change once the zone is installed.\n\n"
	"      --json   print the resulting configuration as JSON\n"
	"  -h, --help   this text\n";

COMMAND(set)
{
	return zctl_edit_command(argc, argv, usage, body, false);
}
