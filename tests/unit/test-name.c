// SPDX-License-Identifier: GPL-2.0-or-later
/* test-name.c - zone_name_validate(): the one validator for zone names. */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "zone.h"

static void valid(const char *name, const char *what)
{
	struct zone_error err = { 0 };
	int r = zone_name_validate(name, &err);
	ok(r == 0 && err.code == 0 && err.msg[0] == '\0', "valid: %s", what);
}

static void invalid(const char *name, const char *what, const char *msg)
{
	struct zone_error err = { 0 };
	int r = zone_name_validate(name, &err);
	is_int(r, -EINVAL, "invalid: %s: returns -EINVAL", what);
	is_int(err.code, EINVAL, "invalid: %s: error code EINVAL", what);
	is_str(err.msg, msg, "invalid: %s: message", what);
}

int main(void)
{
	char n63[64], n64[65], n300[301], msg[256];

	memset(n63, 'a', 63);
	n63[63] = '\0';
	memset(n64, 'b', 64);
	n64[64] = '\0';
	memset(n300, 'c', 300);
	n300[300] = '\0';

	valid("a", "a");
	valid("A-1", "A-1");
	valid("x.y_z", "x.y_z");
	valid("0", "a single digit");
	valid("9lives", "a leading digit");
	valid("global1", "global1 (only \"global\" itself is reserved)");
	valid("web.example.com", "a dotted name");
	valid(n63, "63 characters");

	invalid("", "empty", "zone name: \"\": must not be empty");
	invalid(NULL, "NULL", "zone name: \"\": must not be empty");
	invalid("../x", "../x", "zone name: \"../x\": must start with a letter or digit");
	invalid("-rf", "-rf", "zone name: \"-rf\": must start with a letter or digit");
	invalid("a/b", "a/b",
		"zone name: \"a/b\": only letters, digits, '_', '.' and '-' are allowed");
	snprintf(msg, sizeof(msg), "zone name: \"%s\": longer than 63 characters", n64);
	invalid(n64, "64 characters", msg);
	/* the message shows at most 80 bytes of the name, then "..." */
	snprintf(msg, sizeof(msg), "zone name: \"%.80s\"...: longer than 63 characters", n300);
	invalid(n300, "300 characters", msg);
	invalid("global", "global", "zone name: \"global\": reserved for the host");
	invalid("a\nb", "a newline inside",
		"zone name: \"a\\nb\": only letters, digits, '_', '.' and '-' are allowed");
	invalid("web\n", "a trailing newline",
		"zone name: \"web\\n\": only letters, digits, '_', '.' and '-' are allowed");
	invalid("\xff", "invalid UTF-8 \\xff",
		"zone name: \"\\xff\": must start with a letter or digit");
	invalid("a\xff", "invalid UTF-8 after a letter",
		"zone name: \"a\\xff\": only letters, digits, '_', '.' and '-' are allowed");
	invalid("caf\xc3\xa9", "valid UTF-8 that is not ASCII",
		"zone name: \"caf\\xc3\\xa9\": only letters, digits, '_', '.' and '-' are allowed");
	invalid(".", ".", "zone name: \".\": must start with a letter or digit");
	invalid("..", "..", "zone name: \"..\": must start with a letter or digit");
	invalid(".hidden", "a leading dot",
		"zone name: \".hidden\": must start with a letter or digit");
	invalid("_x", "a leading underscore",
		"zone name: \"_x\": must start with a letter or digit");
	invalid("a b", "a space",
		"zone name: \"a b\": only letters, digits, '_', '.' and '-' are allowed");
	invalid("a\"b", "a double quote (escaped in the message)",
		"zone name: \"a\\\"b\": only letters, digits, '_', '.' and '-' are allowed");
	invalid("a\tb", "a tab (escaped in the message)",
		"zone name: \"a\\x09b\": only letters, digits, '_', '.' and '-' are allowed");

	/* err may be NULL: the return value alone reports the failure */
	is_int(zone_name_validate("../x", NULL), -EINVAL, "invalid name with err == NULL");
	is_int(zone_name_validate("ok", NULL), 0, "valid name with err == NULL");

	return done();
}
