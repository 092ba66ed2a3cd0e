// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sys.c - thin wrappers for the system calls the runtime uses and glibc
 * 2.36 does not wrap (openat2, clone3, pidfd_*), and fd passing.
 *
 * The rule: every wrapper here returns its result (a descriptor, a pid, a
 * byte count, 0) or a negative errno, never -1 with errno set.  A caller
 * names the failure from the return value alone (zone_error_errno(err, -r,
 * ...)); errno after a wrapper means nothing, since the clean-up a wrapper
 * does on its way out (a close) may have changed it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <linux/sched.h>

#include "runtime.h"
#include "util.h"

int zone_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = {
		.flags = (unsigned long long)flags,
		.resolve = resolve,
	};
	if (flags & O_CREAT)
		how.mode = 0644;
	int fd;
	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN); /* a rename raced the lookup: retry */
	return fd < 0 ? -errno : fd;
}

int zone_open_in_root(int rootfd, const char *path, int flags)
{
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	return zone_openat2(rootfd, path, flags | O_CLOEXEC | O_NOFOLLOW,
			    RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

pid_t zone_clone3(uint64_t flags, int *pidfd)
{
	struct clone_args args = {
		.flags = flags | (pidfd ? CLONE_PIDFD : 0),
		.pidfd = (uint64_t)(uintptr_t)pidfd,
		/* CLONE_PARENT children inherit our exit signal; clone3 wants 0 */
		.exit_signal = flags & CLONE_PARENT ? 0 : SIGCHLD,
	};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	return pid < 0 ? -errno : pid;
}

#define MAX_FDS 250 /* below the kernel's SCM_MAX_FD */

ssize_t zone_sendmsg_fds(int sock, const void *buf, size_t len, const int *fds, size_t n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
	if (n > MAX_FDS)
		return -E2BIG;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (n) {
		memset(cbuf, 0, CMSG_SPACE(sizeof(int) * n));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	ssize_t r;
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

int zone_send_fds(int sock, const char *msg, const int *fds, size_t n)
{
	ssize_t r = zone_sendmsg_fds(sock, msg, strlen(msg) + 1, fds, n);
	return r < 0 ? (int)r : 0; /* SEQPACKET: all of it or nothing */
}

ssize_t zone_recv_fds(int sock, char *buf, size_t len, int *fds, size_t *n)
{
	char cbuf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
	struct iovec iov = { .iov_base = buf, .iov_len = len - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t r;
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	/*
	 * A peer that closed with unread data in its queue leaves us
	 * ECONNRESET, reported before what it sent us last (its "E, and
	 * why"): the error is cleared by reporting it, so ask once more.
	 */
	if (r < 0 && errno == ECONNRESET) {
		mh.msg_controllen = sizeof(cbuf);
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		if (r < 0 && errno == EAGAIN)
			r = 0; /* nothing more: as good as EOF */
	}
	size_t want = n ? *n : 0, got = 0;
	if (r >= 0) {
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int *in = (int *)CMSG_DATA(c);
			for (size_t i = 0; i < k; i++) {
				if (got < want)
					fds[got++] = in[i];
				else
					close(in[i]); /* more than asked for: never leak */
			}
		}
		buf[r] = '\0';
	}
	if (n)
		*n = got;
	return r < 0 ? -errno : r;
}

int zone_pidfd_open(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	return fd < 0 ? -errno : fd;
}

int zone_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

int zone_pidfd_open_checked(pid_t pid, uint64_t start)
{
	if (pid <= 0)
		return -ESRCH;
	int fd = zone_pidfd_open(pid);
	if (fd < 0)
		return fd;
	/* The pidfd pins the process: check it is the one we recorded. */
	if (zone_proc_starttime(pid) != start) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int zone_sockaddr_un(const char *path, struct sockaddr_un *sa, int *dirfd)
{
	*dirfd = -1;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	size_t len = strlen(path);
	if (len < sizeof(sa->sun_path)) {
		memcpy(sa->sun_path, path, len + 1);
		return 0;
	}
	/* sun_path holds 108 bytes: reach a longer path through its directory's fd. */
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return -ENAMETOOLONG;
	_cleanup_free_ char *dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return -ENOMEM;
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return -errno;
	int n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", *dirfd,
			 slash + 1);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path)) {
		close(*dirfd);
		*dirfd = -1;
		return -ENAMETOOLONG;
	}
	return 0;
}

int zone_unix_connect(const char *path)
{
	struct sockaddr_un sa;
	int dirfd;
	int r = zone_sockaddr_un(path, &sa, &dirfd);
	if (r < 0)
		return r;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		if (s >= 0)
			close(s);
		s = r;
	}
	if (dirfd >= 0)
		close(dirfd);
	return s;
}
