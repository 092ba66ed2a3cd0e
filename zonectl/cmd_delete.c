// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl delete NAME */
#include "zonectl.h"

static const char usage[] = "zonectl delete NAME";
static const char body[] =
	"Delete a zone's configuration.  The zone must be 'configured' (not installed):\n"
	"halt and uninstall it first.\n\n"
	"      --json   print the result as JSON\n"
	"  -h, --help   this text\n";

COMMAND(delete)
{
	return zctl_name_command(argc, argv, "delete", usage, body, zctl_print_nothing);
}
