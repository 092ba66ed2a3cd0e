// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl remove NAME net|fs|device|admin KEY=VALUE... */
#include "zonectl.h"

static const char usage[] = "zonectl remove NAME net|fs|device|admin KEY=VALUE...";
static const char body[] =
	"Remove every resource of that kind whose properties match all the given\n"
	"KEY=VALUE pairs (remove web net name=eth0).  It is an error if none matches.\n\n"
	"      --json   print the resulting configuration as JSON\n"
	"  -h, --help   this text\n";

COMMAND(remove)
{
	return zctl_edit_command(argc, argv, usage, body, true);
}
