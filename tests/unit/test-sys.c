// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-sys.c - the system call wrappers: each returns its result or a
 * negative errno, never -1 with errno set.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "tap.h"
#include "runtime.h"
#include "util.h"

static void test_open(void)
{
	char dir[] = "/tmp/zones-test-sys.XXXXXX";
	if (!mkdtemp(dir)) {
		ok(false, "mkdtemp");
		return;
	}
	char path[256];
	snprintf(path, sizeof(path), "%s/file", dir);
	int f = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	close(f);
	snprintf(path, sizeof(path), "%s/link", dir);
	ok(symlink("file", path) == 0, "a symlink in the test root");

	is_int(zone_openat2(AT_FDCWD, "/nonexistent/zones-test", O_RDONLY | O_CLOEXEC, 0),
	       -ENOENT, "zone_openat2: a missing path is -ENOENT");
	_cleanup_close_ int root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = zone_open_in_root(root, "/file", O_RDONLY);
	ok(fd >= 0, "zone_open_in_root: a file in the root opens");
	is_int(zone_open_in_root(root, "link", O_RDONLY), -ELOOP,
	       "zone_open_in_root: a symlink is -ELOOP");
	is_int(zone_open_in_root(root, "../../../etc/passwd", O_RDONLY), -ENOENT,
	       "zone_open_in_root: .. stays in the root (-ENOENT, not the host's file)");

	snprintf(path, sizeof(path), "%s/link", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/file", dir);
	unlink(path);
	rmdir(dir);
}

static void test_pidfd(void)
{
	is_int(zone_pidfd_open(-1), -EINVAL, "zone_pidfd_open: pid -1 is -EINVAL");
	is_int(zone_pidfd_send_signal(-1, 0), -EBADF, "zone_pidfd_send_signal: fd -1 is -EBADF");
	_cleanup_close_ int self = zone_pidfd_open(getpid());
	ok(self >= 0, "zone_pidfd_open: ourselves");
	is_int(zone_pidfd_send_signal(self, 0), 0, "zone_pidfd_send_signal: signal 0 is 0");
	is_int(zone_pidfd_open_checked(getpid(), 1), -ESRCH,
	       "zone_pidfd_open_checked: another start time is -ESRCH");
	_cleanup_close_ int checked = zone_pidfd_open_checked(getpid(), zone_proc_starttime(getpid()));
	ok(checked >= 0, "zone_pidfd_open_checked: our own start time");
}

static void test_clone3(void)
{
	/* CLONE_THREAD needs CLONE_SIGHAND and CLONE_VM */
	is_int(zone_clone3(CLONE_THREAD, NULL), -EINVAL, "zone_clone3: bad flags are -EINVAL");
	int pidfd = -1;
	pid_t pid = zone_clone3(0, &pidfd);
	if (pid == 0)
		_exit(7);
	ok(pid > 0 && pidfd >= 0, "zone_clone3: the child's pid and a pidfd");
	int st = 0;
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "zone_clone3: 0 in the child");
	if (pidfd >= 0)
		close(pidfd);
}

int main(void)
{
	test_open();
	test_pidfd();
	test_clone3();
	return done();
}
