// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl receive [NAME] [-i FILE] [--zonepath PATH] [--max-size SIZE] [--max-files N] */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zonectl.h"
#include "private.h"

static const char usage[] =
	"zonectl receive [NAME] [-i FILE] [--zonepath PATH] [--max-size SIZE] [--max-files N]\n"
	"                [--trust-config] [--pass base|delta]";
static const char body[] =
	"Read a stream that 'zonectl send' wrote and make the zone from it: NAME (the\n"
	"stream's zone name by default), 'incomplete' until the whole stream is in and\n"
	"its digest is checked, then 'installed'.  The stream comes from stdin (never a\n"
	"terminal) or FILE.  A stream this host cannot take (brand, architecture,\n"
	"bridges, devices), or that is hostile or damaged (names outside the root,\n"
	"links out of it, more than it declares, a decompression bomb, a bad digest,\n"
	"cut short), is refused with the reason, and nothing of it is left.  Device\n"
	"nodes are not made.\n\n"
	"  -i, --input FILE       read the stream from FILE\n"
	"  -z, --zonepath PATH    where the zone goes (default ZONES_ROOT/zones/NAME)\n"
	"      --max-size SIZE    refuse a stream of more bytes (K/M/G/T; default: the\n"
	"                         free space there)\n"
	"      --max-files N      refuse a stream of more entries (default 500000)\n"
	"      --trust-config     take a config that reaches into this host (fs binds,\n"
	"                         devices, capabilities past the default set, userns\n"
	"                         none, another seccomp profile, ip_type shared):\n"
	"                         refused otherwise, naming what it would take\n"
	"      --pass base|delta  zonectl move's two passes\n"
	"      --json             print the result as JSON\n"
	"  -h, --help             this text\n";

COMMAND(receive)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },      { "zonepath", required_argument, NULL, 'z' },
		{ "max-size", required_argument, NULL, 'S' },   { "max-files", required_argument, NULL, 'F' },
		{ "pass", required_argument, NULL, 'P' },       { "json", no_argument, NULL, 'j' },
		{ "trust-config", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },             { NULL, 0, NULL, 0 },
	};
	const char *in = NULL, *zonepath = NULL, *pass = NULL, *max_size = NULL;
	uint64_t max_files = 0;
	bool json = false, trust = false;
	int c;
	while ((c = getopt_long(argc, argv, ":i:z:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': in = optarg; break;
		case 'z': zonepath = optarg; break;
		case 'S': max_size = optarg; break; /* zoned reads it: one parser of sizes */
		case 'F': {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (*end || end == optarg || !v || v > (1ull << 40))
				return zctl_usage_error("receive", "--max-files: \"%s\": not a number "
							"of files", optarg);
			max_files = v;
			break;
		}
		case 'P': pass = optarg; break;
		case 'T': trust = true; break;
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option("receive", c, argv);
		}
	}
	if (argc - optind > 1)
		return zctl_usage_error("receive", "expects at most one zone name");
	const char *name = optind < argc ? argv[optind] : NULL;
	if (name && zctl_check_name(name) != ZCTL_OK)
		return ZCTL_FAIL;
	if (pass && strcmp(pass, "base") && strcmp(pass, "delta"))
		return zctl_usage_error("receive", "--pass: \"%s\": not one of base, delta", pass);
	if (zonepath && !zctl_is_utf8(zonepath))
		return zctl_error("receive: --zonepath: not valid UTF-8");
	int fd = STDIN_FILENO;
	_cleanup_close_ int ifd = -1;
	if (in) {
		ifd = open(in, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (ifd < 0)
			return zctl_error("receive: %s: %s", in, strerror(errno));
		fd = ifd;
	} else if (isatty(STDIN_FILENO)) {
		return zctl_error("receive: the stream would come from a terminal (pipe it in, or "
				  "give -i FILE)");
	}
	if (max_size && !zctl_is_utf8(max_size))
		return zctl_error("receive: --max-size: not valid UTF-8");
	json_t *p = json_pack("{s:s?,s:s?,s:s?,s:s?,s:b}", "name", name, "zonepath", zonepath,
			      "pass", pass, "max_size", max_size, "trust_config", trust);
	if (p && max_files)
		json_object_set_new(p, "max_files", json_integer((json_int_t)max_files));
	json_t *reply = NULL;
	int r = zctl_call_long("receive", p, &fd, 1, &reply);
	if (r == ZCTL_OK) {
		if (json) {
			zctl_print_json(reply);
		} else {
			printf("%s: %s; %lld files, %lld bytes, digest checked\n",
			       json_string_value(json_object_get(reply, "name")),
			       json_string_value(json_object_get(reply, "state")),
			       (long long)json_integer_value(json_object_get(reply, "files")),
			       (long long)json_integer_value(json_object_get(reply, "bytes")));
			size_t i;
			json_t *s;
			json_array_foreach(json_object_get(reply, "stripped"), i, s) {
				/* a name from the stream: quoted if it holds what a terminal obeys */
				const char *n = json_string_value(s) ?: "?";
				bool plain = true;
				for (const unsigned char *ch = (const unsigned char *)n; *ch; ch++)
					plain = plain && *ch >= 0x20 && *ch != 0x7f;
				_cleanup_free_ char *q = plain ? NULL : zone_quote(n, 200);
				printf("%s: device node not made: %s\n",
				       json_string_value(json_object_get(reply, "name")), q ? q : n);
			}
		}
	}
	json_decref(reply);
	return r;
}
