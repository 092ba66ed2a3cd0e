// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl send NAME [-o FILE] [--compress zstd|gzip|none] */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "zonectl.h"
#include "private.h"

static const char usage[] =
	"zonectl send NAME [-o FILE] [--compress zstd|gzip|none] [--pass base|delta]";
static const char body[] =
	"Write the installed (halted) zone NAME as one stream: its manifest, its\n"
	"configuration, then its root (a pax archive with owners, modes, times,\n"
	"extended attributes, ACLs, file capabilities, hard links and holes), and its\n"
	"digest last.  'zonectl send web | ssh host zonectl receive' moves a zone.\n"
	"The stream goes to stdout (never a terminal) or to FILE.  Progress shows on\n"
	"a terminal; otherwise send is quiet.\n\n"
	"  -o, --output FILE      write the stream to FILE (made 0600)\n"
	"  -c, --compress C       zstd (the default), gzip or none\n"
	"      --pass base|delta  zonectl move's two passes (a running zone's first pass,\n"
	"                         then only what changed)\n"
	"      --json             print the result (digest, files, bytes) as JSON\n"
	"  -h, --help             this text\n";

COMMAND(send)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "compress", required_argument, NULL, 'c' },
		{ "pass", required_argument, NULL, 'P' },   { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *compress = NULL, *pass = NULL;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, ":o:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'c': compress = optarg; break;
		case 'P': pass = optarg; break;
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option("send", c, argv);
		}
	}
	if (argc - optind != 1)
		return zctl_usage_error("send", "expects exactly one zone name");
	const char *name = argv[optind];
	if (zctl_check_name(name) != ZCTL_OK)
		return ZCTL_FAIL;
	if (compress && strcmp(compress, "zstd") && strcmp(compress, "gzip") &&
	    strcmp(compress, "none"))
		return zctl_usage_error("send", "--compress: \"%s\": not one of zstd, gzip, none",
					compress);
	if (pass && strcmp(pass, "base") && strcmp(pass, "delta"))
		return zctl_usage_error("send", "--pass: \"%s\": not one of base, delta", pass);
	int fd = STDOUT_FILENO;
	_cleanup_close_ int ofd = -1;
	if (out) {
		ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0600);
		if (ofd < 0)
			return zctl_error("send %s: %s: %s", name, out, strerror(errno));
		fd = ofd;
	} else if (isatty(STDOUT_FILENO)) {
		return zctl_error("send %s: the stream would go to a terminal (redirect it, pipe it "
				  "to ssh, or give -o FILE)", name);
	}
	json_t *reply = NULL;
	int r = zctl_call_long("send", json_pack("{s:s,s:s?,s:s?}", "name", name, "compress",
						 compress, "pass", pass),
			       &fd, 1, &reply);
	if (r == ZCTL_OK) {
		/* stdout may be the stream: what is said goes to stderr then */
		FILE *f = out ? stdout : stderr;
		if (json) {
			char *s = json_dumps(reply, JSON_INDENT(2) | JSON_SORT_KEYS);
			if (s)
				fprintf(f, "%s\n", s);
			free(s);
		} else if (out) {
			fprintf(f, "%s: sent %lld files, %lld bytes to %s (digest %s)\n", name,
				(long long)json_integer_value(json_object_get(reply, "files")),
				(long long)json_integer_value(json_object_get(reply, "bytes")), out,
				json_string_value(json_object_get(reply, "digest")));
		}
	}
	json_decref(reply);
	return r;
}
