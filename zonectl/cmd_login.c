// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl login [-l USER] [-t|-T] NAME [-- COMMAND [ARGS...]] */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zonectl.h"

static const char usage[] = "zonectl login [-l USER] [-t | -T] NAME [-- COMMAND [ARGS...]]";
static const char body[] =
	"Run a command, or USER's login shell, inside a running zone with all of the\n"
	"zone's namespaces, cgroups, capabilities and seccomp policy.  The exit status\n"
	"is the command's (128+N if it was killed by signal N).\n\n"
	"A pseudo-terminal is allocated inside the zone when no command is given and\n"
	"standard input is a terminal; your terminal itself never enters the zone.\n\n"
	"  -l, --user USER  run as USER (from the zone's /etc/passwd; default root)\n"
	"  -t, --tty        always allocate a pseudo-terminal\n"
	"  -T, --no-tty     never allocate one: the command gets fresh pipes, and\n"
	"                   zonectl copies your standard input and output through them\n"
	"  -h, --help       this text\n";

/*
 * Without a pty the zone gets three fresh pipes and we copy bytes through
 * them: never our own descriptors, which could be a terminal, a file the zone
 * could reopen for reading through /proc/self/fd, or a directory to walk out
 * of the zone through.
 */
static int run_piped(const char *name, struct zone_login *o)
{
	int pipes[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	for (int i = 0; i < 3; i++) {
		if (pipe2(pipes[i], O_CLOEXEC) < 0)
			return zctl_error("login %s: pipe: %s", name, strerror(errno));
		o->stdio[i] = i == 0 ? pipes[i][0] : pipes[i][1];
	}
	int sock, master;
	int r = zctl_login(name, o, &sock, &master);
	for (int i = 0; i < 3; i++)
		if (pipes[i][0] >= 0)
			close(i == 0 ? pipes[i][0] : pipes[i][1]);
	if (r != ZCTL_OK)
		return r;
	/*
	 * Copy input in and output out until the zone process is gone.  Input is
	 * written without blocking, one buffer at a time: a command that does not
	 * read its input while it writes a lot must not stall us both.
	 */
	int in = pipes[0][1], out = pipes[1][0], err = pipes[2][0];
	fcntl(in, F_SETFL, O_NONBLOCK);
	char buf[8192], ibuf[65536];
	size_t ioff = 0, ilen = 0;
	bool in_eof = false;
	while (out >= 0 || err >= 0) {
		struct pollfd pf[4] = {
			{ in >= 0 && !in_eof && ilen == 0 ? 0 : -1, POLLIN, 0 },
			{ out, POLLIN, 0 },
			{ err, POLLIN, 0 },
			{ in >= 0 && ilen > 0 ? in : -1, POLLOUT, 0 },
		};
		if (poll(pf, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents) {
			ssize_t n = read(0, ibuf, sizeof(ibuf));
			if (n <= 0)
				in_eof = true;
			else
				ioff = 0, ilen = (size_t)n;
		}
		if (pf[3].revents) {
			ssize_t w = write(in, ibuf + ioff, ilen);
			if (w > 0) {
				ioff += (size_t)w;
				ilen -= (size_t)w;
			} else if (w < 0 && errno != EAGAIN) {
				ilen = 0; /* the command closed its input */
				in_eof = true;
			}
		}
		if (in >= 0 && in_eof && ilen == 0) {
			close(in);
			in = -1;
		}
		for (int k = 1; k < 3; k++) {
			int *fd = k == 1 ? &out : &err;
			if (*fd >= 0 && pf[k].revents) {
				ssize_t n = read(*fd, buf, sizeof(buf));
				if (n <= 0 || write(k, buf, (size_t)n) < 0) {
					close(*fd);
					*fd = -1;
				}
			}
		}
	}
	if (in >= 0)
		close(in);
	return zctl_login_wait(sock);
}

COMMAND(login)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'l' }, { "tty", no_argument, NULL, 't' },
		{ "no-tty", no_argument, NULL, 'T' },     { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct zone_login o = { .stdio = { 0, 1, 2 } };
	int tty = -1, c;
	while ((c = getopt_long(argc, argv, "+:l:tTh", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.user = optarg; break;
		case 't': tty = 1; break;
		case 'T': tty = 0; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option("login", c, argv);
		}
	}
	if (optind >= argc)
		return zctl_usage_error("login", "expects a zone name");
	const char *name = argv[optind++];
	if (zctl_check_name(name) != ZCTL_OK)
		return ZCTL_FAIL;
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind < argc)
		o.argv = argv + optind;
	if (tty < 0)
		tty = !o.argv && isatty(0);
	o.tty = tty;
	if (!o.tty)
		return run_piped(name, &o);
	o.term = getenv("TERM");
	struct winsize ws;
	if (isatty(0) && ioctl(0, TIOCGWINSZ, &ws) == 0) {
		o.rows = ws.ws_row;
		o.cols = ws.ws_col;
	}
	int sock, master = -1;
	int r = zctl_login(name, &o, &sock, &master);
	if (r != ZCTL_OK)
		return r;
	if (master < 0) {
		close(sock);
		return zctl_error("login %s: zoned sent no terminal", name);
	}
	zctl_proxy(master, false);
	close(master);
	return zctl_login_wait(sock);
}
