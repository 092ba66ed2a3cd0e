// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl add NAME net|fs|device|admin KEY=VALUE... */
#include "zonectl.h"

static const char usage[] = "zonectl add NAME net|fs|device|admin KEY=VALUE...";
static const char body[] =
	"Add a resource to a zone's configuration.\n\n"
	"  net     name=eth0 bridge=br0 address=10.0.0.2/24 gateway=10.0.0.1 mac=.. mtu=..\n"
	"  fs      source=/srv/data target=/data readonly=true\n"
	"  device  path=/dev/fuse access=rwm\n"
	"  admin   user=alice|group=ops auths=login,manage,clone\n\n"
	"      --json   print the resulting configuration as JSON\n"
	"  -h, --help   this text\n";

COMMAND(add)
{
	return zctl_edit_command(argc, argv, usage, body, true);
}
