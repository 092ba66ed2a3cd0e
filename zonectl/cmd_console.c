// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl console NAME */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "zonectl.h"

static const char usage[] = "zonectl console NAME";
static const char body[] =
	"Attach to a running zone's console: what its init and the programs it starts\n"
	"print, and a line to type into.  Type \"~.\" at the start of a line to detach.\n"
	"Everything the console prints is also kept in ZONES_ROOT/log/NAME.console.\n"
	"One session may be attached at a time.\n\n"
	"  -h, --help   this text\n";

COMMAND(console)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		zctl_help(usage, body);
		return ZCTL_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return zctl_usage_error("console", "expects exactly one zone name");
	if (zctl_check_name(argv[1]) != ZCTL_OK)
		return ZCTL_FAIL;
	int fd = -1;
	int r = zctl_console(argv[1], &fd);
	if (r != ZCTL_OK)
		return r;
	if (isatty(0))
		fprintf(stderr, "[connected to zone %s console; ~. detaches]\r\n", argv[1]);
	r = zctl_proxy(fd, true);
	close(fd);
	return r;
}
