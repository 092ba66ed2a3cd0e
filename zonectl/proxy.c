// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * proxy.c - copy bytes between the user's terminal (or pipes) and a session
 * descriptor: a pty master from inside a zone, or a console socket.  The
 * local terminal is put in raw mode for the session and always restored;
 * its window size follows SIGWINCH.  The local terminal itself never goes
 * anywhere near the zone: only bytes cross.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "zonectl.h"
#include "private.h"

static struct termios saved;
static bool raw;

static void restore(void)
{
	if (raw)
		tcsetattr(0, TCSADRAIN, &saved);
	raw = false;
}

static void make_raw(void)
{
	if (!isatty(0) || tcgetattr(0, &saved) < 0)
		return;
	struct termios t = saved;
	cfmakeraw(&t);
	/* TCSADRAIN, not FLUSH: keep what was typed before the session began */
	if (tcsetattr(0, TCSADRAIN, &t) == 0) {
		raw = true;
		atexit(restore);
	}
}

static void copy_winsize(int session)
{
	struct winsize ws;
	if (isatty(0) && ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(session, TIOCSWINSZ, &ws);
}

int zctl_proxy(int session, bool escape)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	bool tty = isatty(session);
	if (tty)
		copy_winsize(session);
	make_raw();
	bool in_open = true, at_line_start = true, tilde = false;
	char buf[8192];
	for (;;) {
		struct pollfd pf[3] = {
			{ .fd = session, .events = POLLIN },
			{ .fd = in_open ? 0 : -1, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) > 0 && tty)
				copy_winsize(session);
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(session, buf, sizeof(buf));
			if (n <= 0)
				break; /* EIO on a pty master: the zone side closed */
			if (zone_write_all(1, buf, (size_t)n) < 0)
				break;
		}
		if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				in_open = false;
				if (!tty)
					shutdown(session, SHUT_WR); /* console socket: pass EOF */
				else {
					char eof = 4; /* ^D to the pty's line discipline */
					zone_write_all(session, &eof, 1);
				}
				continue;
			}
			if (escape) {
				/* "~." at the start of a line detaches, as ssh and zlogin do */
				size_t out = 0;
				for (ssize_t i = 0; i < n; i++) {
					char ch = buf[i];
					if (tilde) {
						tilde = false;
						if (ch == '.') {
							restore();
							fprintf(stderr, "\r\n[detached]\r\n");
							return ZCTL_OK;
						}
						if (ch != '~')
							buf[out++] = '~';
					} else if (at_line_start && ch == '~') {
						tilde = true;
						continue;
					}
					buf[out++] = ch;
					at_line_start = ch == '\r' || ch == '\n';
				}
				n = (ssize_t)out;
			}
			if (n > 0 && zone_write_all(session, buf, (size_t)n) < 0)
				break;
		}
	}
	restore();
	return ZCTL_OK;
}
