// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-wire.c - zoned's framing: one NUL-terminated JSON object per
 * message, descriptors with it, and each way a message can be refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"
#include "runtime.h"
#include "util.h"

static void test_roundtrip(void)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		ok(false, "socketpair");
		return;
	}
	_cleanup_json_ json_t *m1 = json_pack("{s:i}", "a", 1);
	_cleanup_json_ json_t *m2 = json_pack("{s:s}", "b", "two");
	int passed = open("/dev/null", O_RDONLY | O_CLOEXEC);
	is_int(zone_wire_send(sp[0], m1, &passed, 1), 0, "send a message with a descriptor");
	is_int(zone_wire_send(sp[0], m2, NULL, 0), 0, "send a second one right behind it");
	close(passed);

	struct zone_error err = { 0 };
	_cleanup_json_ json_t *got = NULL;
	int fds[2] = { -1, -1 };
	size_t n = 2;
	is_int(zone_wire_recv(sp[1], &got, fds, &n, 1000, &err), 1, "receive the first");
	is_int(json_integer_value(json_object_get(got, "a")), 1, "its content");
	is_int(n, 1, "and its descriptor");
	ok(fds[0] >= 0 && fcntl(fds[0], F_GETFD) >= 0, "a descriptor that is open");
	if (fds[0] >= 0)
		close(fds[0]);
	json_decref(TAKE_PTR(got));
	n = 2;
	is_int(zone_wire_recv(sp[1], &got, fds, &n, 1000, &err), 1, "receive the second");
	is_str(json_string_value(json_object_get(got, "b")), "two", "its content");
	is_int(n, 0, "no descriptor with it");

	n = 2;
	is_int(zone_wire_recv(sp[1], &got, fds, &n, 50, &err), -ETIMEDOUT,
	       "nothing more: -ETIMEDOUT");
	has_str(err.msg, "not complete within 50 ms", "the error says so");

	close(sp[0]);
	n = 2;
	is_int(zone_wire_recv(sp[1], &got, fds, &n, 1000, &err), 0, "EOF before a message: 0");
	is_int(n, 0, "no descriptors at EOF");
	close(sp[1]);
}

static void test_refused(void)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		ok(false, "socketpair");
		return;
	}
	struct zone_error err = { 0 };
	_cleanup_json_ json_t *got = NULL;
	int fds[1] = { -1 };
	size_t n = 1;
	const char bad[] = "[1, 2]";
	is_int(zone_sendmsg_fds(sp[0], bad, sizeof(bad), NULL, 0), (long long)sizeof(bad),
	       "send an array");
	is_int(zone_wire_recv(sp[1], &got, fds, &n, 1000, &err), -EBADMSG, "refused: -EBADMSG");
	has_str(err.msg, "malformed request: not a JSON object", "the error says why");
	ok(got == NULL, "no message");

	const char half[] = { '{', '"', 'a' };
	ok(write(sp[0], half, sizeof(half)) == (ssize_t)sizeof(half), "send half a message");
	close(sp[0]);
	n = 1;
	is_int(zone_wire_recv(sp[1], &got, fds, &n, 1000, &err), -EBADMSG,
	       "then EOF: -EBADMSG");
	has_str(err.msg, "connection closed inside a message", "the error says so");
	close(sp[1]);
}

int main(void)
{
	test_roundtrip();
	test_refused();
	return done();
}
