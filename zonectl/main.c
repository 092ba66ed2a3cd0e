// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zonectl - administer zones.  This file holds the command table and the
 * global options; each subcommand lives in cmd_NAME.c.
 */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonectl.h"
#include "private.h"

const char *zctl_root;

static const struct command commands[] = {
	{ "create", cmd_create, "configure a new zone" },
	{ "delete", cmd_delete, "delete a configured zone" },
	{ "list", cmd_list, "list zones" },
	{ "show", cmd_show, "print a zone's configuration" },
	{ "set", cmd_set, "change configuration properties" },
	{ "add", cmd_add, "add a net, fs, device or admin resource" },
	{ "remove", cmd_remove, "remove a net, fs, device or admin resource" },
	{ "verify", cmd_verify, "check a zone's configuration against this host" },
	{ "mark", cmd_mark, "mark a zone incomplete or installed (recovery)" },
	{ "clone", cmd_clone, "install a zone from another zone's root" },
	{ "detach", cmd_detach, "detach a halted zone to carry it to another host" },
	{ "attach", cmd_attach, "attach a zone whose zonepath was carried here" },
	{ "send", cmd_send, "write a zone as one stream (to another host)" },
	{ "receive", cmd_receive, "make a zone from a stream that send wrote" },
	{ "move", cmd_move, "move a zone to another host over ssh" },
	{ "install", cmd_install, "build a zone's root" },
	{ "uninstall", cmd_uninstall, "remove a zone's root" },
	{ "boot", cmd_boot, "boot a zone" },
	{ "halt", cmd_halt, "stop a zone at once" },
	{ "shutdown", cmd_shutdown, "shut a zone down cleanly" },
	{ "reboot", cmd_reboot, "shut a zone down and boot it again" },
	{ "login", cmd_login, "run a shell or command inside a zone" },
	{ "console", cmd_console, "attach to a zone's console" },
	{ "ps", cmd_ps, "list a zone's processes" },
	{ "stat", cmd_stat, "show a zone's resource use against its caps" },
	{ "net", cmd_net, "show a zone's interfaces, addresses and routes" },
	{ "admin", cmd_admin, "delegate a zone to users or groups" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: zonectl [--root DIR] COMMAND [ARGS...]\n\n"
		   "Administer zones: OS-level virtual machines on one Linux kernel.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nGlobal options:\n"
		   "  --root DIR   the zones root (default $ZONES_ROOT, else /var/lib/zones)\n"
		   "  --help       this text; COMMAND --help describes a command\n"
		   "  --version    print the version\n\n"
		   "See zonectl(8) and zone.json(5).\n");
}

int zctl_error(const char *fmt, ...)
{
	va_list ap;
	fputs("zonectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return ZCTL_FAIL;
}

int zctl_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "zonectl %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'zonectl %s --help')\n", cmd);
	return ZCTL_USAGE;
}

void zctl_help(const char *usage_line, const char *body)
{
	printf("Usage: %s\n\n%s", usage_line, body);
}

void zctl_print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (s) {
		puts(s);
		free(s);
	}
}

json_t *zctl_strv_json(int argc, char **argv, int from)
{
	json_t *a = json_array();
	for (int i = from; i < argc; i++) {
		json_t *s = json_string(argv[i]);
		if (!s) {
			json_decref(a);
			return NULL; /* not UTF-8 */
		}
		json_array_append_new(a, s);
	}
	return a;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			zctl_root = optarg;
			break;
		case 'h':
			usage(stdout);
			return ZCTL_OK;
		case 'V':
			printf("zonectl %s\n", ZONES_VERSION);
			return ZCTL_OK;
		case ':':
			fprintf(stderr, "zonectl: option %s needs a value (see 'zonectl --help')\n",
				argv[optind - 1]);
			return ZCTL_USAGE;
		default:
			if (optopt)
				fprintf(stderr, "zonectl: unknown option '-%c' (see 'zonectl --help')\n",
					optopt);
			else
				fprintf(stderr, "zonectl: unknown option '%s' (see 'zonectl --help')\n",
					argv[optind - 1]);
			return ZCTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return ZCTL_USAGE;
	}
	/* a pipe whose reader left is an error to report, not a reason to die */
	signal(SIGPIPE, SIG_IGN);
	const char *name = argv[optind];
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0) {
			int sub_argc = argc - optind;
			char **sub_argv = argv + optind;
			optind = 0; /* reset getopt for the subcommand (glibc: full re-init) */
			return commands[i].run(sub_argc, sub_argv);
		}
	_cleanup_free_ char *q = zone_quote(name, 40);
	zctl_error("%s: no such command (see 'zonectl --help')", q ? q : "?");
	return ZCTL_USAGE;
}
