// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl boot NAME */
#include "zonectl.h"

static const char usage[] = "zonectl boot NAME";
static const char body[] =
	"Boot an installed zone: create its namespaces, cgroup, mounts and monitor, then\n"
	"start its init.  Returns once init runs (state 'running').  A failed boot leaves\n"
	"the zone 'installed' with nothing of it on the host.\n\n"
	"      --json   print the result as JSON\n"
	"  -h, --help   this text\n";

COMMAND(boot)
{
	return zctl_name_command(argc, argv, "boot", usage, body, zctl_print_nothing);
}
