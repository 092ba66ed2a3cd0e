// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl shutdown [-t SECONDS] NAME */
#include "zonectl.h"

static const char usage[] = "zonectl shutdown [-t SECONDS] NAME";
static const char body[] =
	"Ask the zone's init to shut down (SIGPWR) and wait for it; whatever still runs\n"
	"after the timeout is killed as by halt.\n\n"
	"  -t, --timeout SECONDS  how long to wait (default 60)\n"
	"      --json             print the result as JSON\n"
	"  -h, --help             this text\n";

COMMAND(shutdown)
{
	return zctl_stop_command(argc, argv, usage, body);
}
