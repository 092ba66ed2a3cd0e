// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl reboot [-t SECONDS] NAME */
#include "zonectl.h"

static const char usage[] = "zonectl reboot [-t SECONDS] NAME";
static const char body[] =
	"Shut the zone down as 'zonectl shutdown' does, then boot it again; the zone\n"
	"lock is held throughout, so nothing else can act on the zone in between.\n\n"
	"  -t, --timeout SECONDS  how long to wait for the shutdown (default 60)\n"
	"      --json             print the result as JSON\n"
	"  -h, --help             this text\n";

COMMAND(reboot)
{
	return zctl_stop_command(argc, argv, usage, body);
}
