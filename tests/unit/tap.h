/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - the smallest TAP producer the unit tests need.
 *
 *   plan(n)                 print "1..n" first (or call done() without plan()
 *                           and the plan is printed last)
 *   ok(cond, fmt, ...)      one test point
 *   is_int(got, want, ...)  integers, showing both on failure
 *   is_str(got, want, ...)  strings (NULL allowed), showing both on failure
 *   has_str(got, sub, ...)  got contains sub
 *   diag(fmt, ...)          a "# " comment line
 *   return done();          exit status: 0 only if every test passed and the
 *                           count matches the plan
 *
 * Everything is static: each test program includes this once.
 */
#ifndef ZONES_TAP_H
#define ZONES_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_planned = -1;
static int tap_run;
static int tap_failed;

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2))) static inline void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	fflush(stdout);
}

static inline bool tap_vok(bool cond, const char *file, int line, const char *fmt, va_list ap)
{
	tap_run++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	putchar('\n');
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

__attribute__((format(printf, 4, 5))) static inline bool tap_ok(bool cond, const char *file,
								int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok(cond, file, line, fmt, ap);
	va_end(ap);
	return r;
}

/* Print a value on one line, escaping what a terminal or TAP would misread. */
static inline void tap_show(const char *label, const char *s)
{
	printf("#   %s: ", label);
	if (!s) {
		puts("(null)");
		return;
	}
	putchar('\'');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '\n')
			fputs("\\n", stdout);
		else if (*c < 0x20 || *c >= 0x7f)
			printf("\\x%02x", *c);
		else
			putchar(*c);
	}
	puts("'");
}

__attribute__((format(printf, 5, 6))) static inline bool
tap_is_str(const char *got, const char *want, const char *file, int line, const char *fmt, ...)
{
	bool same = (!got && !want) || (got && want && strcmp(got, want) == 0);
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok(same, file, line, fmt, ap);
	va_end(ap);
	if (!r) {
		tap_show("     got", got);
		tap_show("expected", want);
	}
	return r;
}

__attribute__((format(printf, 5, 6))) static inline bool
tap_has_str(const char *got, const char *sub, const char *file, int line, const char *fmt, ...)
{
	bool found = got && sub && strstr(got, sub);
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok(found, file, line, fmt, ap);
	va_end(ap);
	if (!r) {
		tap_show("      got", got);
		tap_show("expected ", sub);
		puts("#   (as a substring)");
	}
	return r;
}

__attribute__((format(printf, 5, 6))) static inline bool
tap_is_int(long long got, long long want, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok(got == want, file, line, fmt, ap);
	va_end(ap);
	if (!r)
		printf("#        got: %lld\n#   expected: %lld\n", got, want);
	return r;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define has_str(got, sub, ...) tap_has_str((got), (sub), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...)                                                                     \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)

static inline int done(void)
{
	if (tap_planned < 0) {
		printf("1..%d\n", tap_run);
	} else if (tap_run != tap_planned) {
		diag("planned %d tests but ran %d", tap_planned, tap_run);
		return EXIT_FAILURE;
	}
	if (tap_failed)
		diag("%d of %d tests failed", tap_failed, tap_run);
	fflush(stdout);
	return tap_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
