// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-util.c - the small helpers: quoting for messages, path normalization,
 * number and size parsing, whole-file reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"

static void quote(const char *in, size_t max, const char *want, const char *what)
{
	_cleanup_free_ char *q = zone_quote(in, max);
	is_str(q, want, "zone_quote: %s", what);
}

static void test_quote(void)
{
	char all[256];

	quote("web", 80, "\"web\"", "plain");
	quote("", 80, "\"\"", "empty");
	quote("a\"b\\c", 80, "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	quote("a\nb", 80, "\"a\\nb\"", "newline as \\n");
	quote("\x01\x1b[31m\x7f", 80, "\"\\x01\\x1b[31m\\x7f\"", "control bytes and DEL as \\xNN");
	quote("\xff\xc3\xa9", 80, "\"\\xff\\xc3\\xa9\"", "bytes >= 0x80 as \\xNN");
	quote("abcdef", 3, "\"abc\"...", "cut at max with ...");
	quote("abc", 3, "\"abc\"", "exactly max is not cut");
	quote("abc", 0, "\"\"...", "max 0");
	/* worst case: every byte expands to four */
	for (int i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	all[255] = '\0';
	_cleanup_free_ char *q = zone_quote(all, 255);
	/* '"', '\\' and newline: 2 each; 30 other controls, 129 bytes >= 0x7f: 4 each */
	is_int(q ? strlen(q) : 0, 2 + 3 * 2 + 30 * 4 + 129 * 4 + 93,
	       "zone_quote: all 255 non-NUL bytes, the worst case fits");
	bool printable = true;
	for (const char *c = q; c && *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			printable = false;
	ok(printable, "zone_quote: output is printable ASCII only");
}

static void test_paths(void)
{
	static const char *const good[] = {
		"/", "/a", "/a/b", "/var/lib/zones/web", "/a.b/c..d/...", "/.hidden", "/a b",
		"/\xc3\xa9",
	};
	static const char *const bad[] = {
		"", "a", "a/b", "./a", "/a/../b", "/a//b", "/a/", "//", "/.", "/..", "/a/.",
		"/a/..", "/./a", "/a\nb", "/a\x7f", "/a\tb",
	};
	for (size_t i = 0; i < ELEMENTSOF(good); i++)
		ok(zone_path_is_normal_absolute(good[i]), "normal absolute: \"%s\"", good[i]);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		_cleanup_free_ char *q = zone_quote(bad[i], 40);
		ok(!zone_path_is_normal_absolute(bad[i]), "not normal absolute: %s", q);
	}
	ok(!zone_path_is_normal_absolute(NULL), "not normal absolute: NULL");

	char longp[PATH_MAX + 2];
	longp[0] = '/';
	memset(longp + 1, 'a', PATH_MAX);
	longp[PATH_MAX + 1] = '\0';
	ok(!zone_path_is_normal_absolute(longp), "not normal absolute: longer than PATH_MAX");
	longp[PATH_MAX - 1] = '\0';
	ok(zone_path_is_normal_absolute(longp), "normal absolute: PATH_MAX - 1 bytes");

	ok(zone_path_is_under("/a/b", "/a"), "under: /a/b in /a");
	ok(zone_path_is_under("/a", "/a"), "under: /a in /a (equal)");
	ok(zone_path_is_under("/a/b/c", "/a/b"), "under: /a/b/c in /a/b");
	ok(zone_path_is_under("/anything", "/"), "under: everything is under /");
	ok(zone_path_is_under("/", "/"), "under: / in /");
	ok(!zone_path_is_under("/ab", "/a"), "not under: /ab in /a (component boundary)");
	ok(!zone_path_is_under("/a", "/a/b"), "not under: /a in /a/b");
	ok(!zone_path_is_under("/b", "/a"), "not under: /b in /a");
	ok(!zone_path_is_under("/", "/a"), "not under: / in /a");
	ok(!zone_path_is_under("/usr2/lib", "/usr"), "not under: /usr2/lib in /usr");
}

static void u64(const char *s, int want_r, uint64_t want)
{
	uint64_t v = 12345;
	int r = zone_parse_u64(s, &v);
	if (want_r == 0)
		ok(r == 0 && v == want, "parse_u64(\"%s\") = %llu (got r=%d v=%llu)", s,
		   (unsigned long long)want, r, (unsigned long long)v);
	else
		ok(r == want_r && v == 12345, "parse_u64(\"%s\") fails with %d (got r=%d)",
		   s ? s : "NULL", want_r, r);
}

static void size(const char *s, int want_r, uint64_t want)
{
	uint64_t v = 12345;
	int r = zone_size_parse(s, &v);
	if (want_r == 0)
		ok(r == 0 && v == want, "size_parse(\"%s\") = %llu (got r=%d v=%llu)", s,
		   (unsigned long long)want, r, (unsigned long long)v);
	else
		ok(r == want_r && v == 12345, "size_parse(\"%s\") fails with %d (got r=%d)",
		   s ? s : "NULL", want_r, r);
}

static void test_numbers(void)
{
	u64("0", 0, 0);
	u64("42", 0, 42);
	u64("007", 0, 7);
	u64("18446744073709551615", 0, UINT64_MAX);
	u64("18446744073709551616", -ERANGE, 0);
	u64("99999999999999999999999", -ERANGE, 0);
	u64(NULL, -EINVAL, 0);
	u64("", -EINVAL, 0);
	u64("-1", -EINVAL, 0);
	u64("+1", -EINVAL, 0);
	u64(" 1", -EINVAL, 0);
	u64("1 ", -EINVAL, 0);
	u64("1x", -EINVAL, 0);
	u64("0x10", -EINVAL, 0);
	u64("1.0", -EINVAL, 0);
	u64("1e3", -EINVAL, 0);

	size("0", 0, 0);
	size("1", 0, 1);
	size("1000", 0, 1000);
	size("1K", 0, 1024);
	size("1k", 0, 1024);
	size("512M", 0, UINT64_C(512) << 20);
	size("512m", 0, UINT64_C(512) << 20);
	size("1G", 0, UINT64_C(1) << 30);
	size("3T", 0, UINT64_C(3) << 40);
	size("1KiB", 0, 1024);
	size("1MB", 0, UINT64_C(1) << 20);
	size("2Gi", 0, UINT64_C(2) << 30);
	size("16777215T", 0, UINT64_C(16777215) << 40);
	size("18446744073709551615", 0, UINT64_MAX);
	size("16777216T", -ERANGE, 0);
	size("18014398509481984K", -ERANGE, 0);
	size("18446744073709551616", -ERANGE, 0);
	size("12Q", -EINVAL, 0);
	size(NULL, -EINVAL, 0);
	size("", -EINVAL, 0);
	size("M", -EINVAL, 0);
	size("-1", -EINVAL, 0);
	size("-1M", -EINVAL, 0);
	size("+1M", -EINVAL, 0);
	size(" 1M", -EINVAL, 0);
	size("1 M", -EINVAL, 0);
	size("1M ", -EINVAL, 0);
	size("1.5G", -EINVAL, 0);
	size("1MM", -EINVAL, 0);
	size("1MiBs", -EINVAL, 0);
	size("1B", -EINVAL, 0);
	size("0x10", -EINVAL, 0);
}

static void test_read_file(void)
{
	char dir[] = "/tmp/zones-test-util.XXXXXX";
	ok(mkdtemp(dir) != NULL, "mkdtemp %s", dir);
	_cleanup_free_ char *p = zone_strdup_printf("%s/f", dir);
	static char data[8192 + 1];
	memset(data, 'z', sizeof(data));

	ok(zone_file_write_atomic(p, data, 4096, 0600, NULL) == 0, "write a 4096-byte file");
	_cleanup_free_ char *buf = NULL;
	is_int(zone_read_file(p, &buf, 4096), 4096, "read_file: exactly max bytes is read");
	ok(buf && buf[4096] == '\0' && buf[4095] == 'z', "read_file: NUL-terminated");
	char *b2 = NULL;
	is_int(zone_read_file(p, &b2, 4095), -EFBIG, "read_file: max - 1 is too big");
	ok(b2 == NULL, "read_file: nothing returned when too big");

	ok(zone_file_write_atomic(p, data, 8193, 0600, NULL) == 0, "write an 8193-byte file");
	char *b3 = NULL;
	is_int(zone_read_file(p, &b3, 8192), -EFBIG, "read_file: max + 1 bytes is too big");
	is_int(zone_read_file(p, &b3, 8193), 8193, "read_file: 8193 of max 8193");
	free(b3);
	b3 = NULL;
	is_int(zone_read_file(p, &b3, 10), -EFBIG, "read_file: small max, big file");

	ok(zone_file_write_atomic(p, "", 0, 0600, NULL) == 0, "write an empty file");
	char *b4 = NULL;
	is_int(zone_read_file(p, &b4, 10), 0, "read_file: empty file reads 0 bytes");
	ok(b4 && b4[0] == '\0', "read_file: empty file gives an empty string");
	free(b4);

	char *b5 = NULL;
	_cleanup_free_ char *missing = zone_strdup_printf("%s/missing", dir);
	is_int(zone_read_file(missing, &b5, 10), -ENOENT, "read_file: missing file is -ENOENT");

	_cleanup_free_ char *deep = zone_strdup_printf("%s/x/y/z", dir);
	is_int(zone_mkdir_p(deep, 0700), 0, "mkdir_p creates parents");
	struct stat st;
	ok(stat(deep, &st) == 0 && S_ISDIR(st.st_mode), "mkdir_p: the directory exists");
	is_int(zone_mkdir_p(deep, 0700), 0, "mkdir_p: existing directory is fine");
	is_int(zone_mkdir_p(p, 0700), -ENOTDIR, "mkdir_p: over a file is -ENOTDIR");

	_cleanup_free_ char *x = zone_strdup_printf("%s/x", dir);
	_cleanup_free_ char *xy = zone_strdup_printf("%s/x/y", dir);
	rmdir(deep);
	rmdir(xy);
	rmdir(x);
	unlink(p);
	ok(rmdir(dir) == 0, "temporary directory cleaned up");
}

static void test_strv(void)
{
	char *v[] = { "a", "bb", "", NULL };
	is_int(zone_strv_len(v), 3, "strv_len counts entries");
	is_int(zone_strv_len(NULL), 0, "strv_len(NULL) is 0");
	_cleanup_strv_ char **c = zone_strv_copy(v);
	ok(c && c[0] != v[0] && !strcmp(c[0], "a") && !strcmp(c[1], "bb") && !strcmp(c[2], "") &&
		   !c[3],
	   "strv_copy copies every string");
	_cleanup_strv_ char **e = zone_strv_copy(NULL);
	ok(e && !e[0], "strv_copy(NULL) is an empty vector");
}

int main(void)
{
	test_quote();
	test_paths();
	test_numbers();
	test_read_file();
	test_strv();
	return done();
}
