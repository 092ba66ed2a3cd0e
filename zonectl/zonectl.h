/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zonectl.h - the CLI's shared pieces.  zonectl only parses arguments,
 * builds a request, hands it to zctl_call() and prints the reply: all zone
 * logic lives in libzone, reached in-process or through zoned's socket.
 */
#ifndef ZONECTL_H
#define ZONECTL_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "zone.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Global options (main.c). */
extern const char *zctl_root; /* --root DIR or NULL */

/* Exit codes. */
enum { ZCTL_OK = 0, ZCTL_FAIL = 1, ZCTL_USAGE = 2 };

/*
 * The one narrow interface to libzone: send `method` with `params` (the
 * reference is stolen) and receive the reply object.  On failure the error is
 * printed as one line and ZCTL_FAIL returned.
 */
int zctl_call(const char *method, json_t *params, json_t **reply);
/* The same for long work: descriptors passed along, and its progress shown on
 * stderr when that is a terminal (nothing otherwise). */
int zctl_call_long(const char *method, json_t *params, const int *fds, size_t n,
		   json_t **reply);

/* The connection to zoned (started when root and none listens), or -1. */
int zctl_connect(void);
int zctl_send(int s, const char *verb, json_t *params, const int *fds, size_t n);
int zctl_recv(int s, const char *verb, json_t **params, int *fds, size_t *n, bool *continues);

/*
 * Sessions need descriptors, not just JSON.  A login passes stdio (without
 * a pty) or gets the pty master back; *sock then carries the exit status,
 * read with zctl_login_wait().  A console is a socket to the zone's monitor.
 */
int zctl_login(const char *name, const struct zone_login *o, int *sock, int *master);
int zctl_login_wait(int sock);
int zctl_console(const char *name, int *fd);

/* Copy between a local terminal (or pipes) and a session fd until it closes.
 * With `escape`, "~." at the start of a line detaches. Restores the terminal. */
int zctl_proxy(int session, bool escape);

/* Print "zonectl: <message>" on stderr; returns ZCTL_FAIL. */
int zctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a usage error and a hint; returns ZCTL_USAGE. */
int zctl_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a command's help text (usage line and body) to stdout. */
void zctl_help(const char *usage, const char *body);
/* Print a JSON value indented to stdout. */
void zctl_print_json(json_t *j);

/* A NAME-only command: "zonectl VERB NAME"; calls method with {name}. */
int zctl_name_command(int argc, char **argv, const char *method, const char *usage,
		      const char *body, void (*print)(json_t *reply));
/*
 * For getopt_long with a leading ':' in its option string: one line naming
 * the option that is unknown (c == '?') or lacks its value (c == ':').
 */
int zctl_bad_option(const char *cmd, int c, char **argv);
/* Is s valid UTF-8 (so it can travel in a JSON request)? */
bool zctl_is_utf8(const char *s);
/* Validate a zone name with libzone's one validator; prints the error. */
int zctl_check_name(const char *name);
/* Read a JSON object from a file ("-" is stdin), at most 1 MiB; prints errors. */
int zctl_read_json_file(const char *path, json_t **out);
/* A reply printer that prints nothing (success is the exit status). */
void zctl_print_nothing(json_t *reply);
/* set/add/remove: "VERB NAME [KIND] KEY=VALUE..." */
int zctl_edit_command(int argc, char **argv, const char *usage, const char *body, bool kind);
/* A JSON array from argv[from..argc). */
json_t *zctl_strv_json(int argc, char **argv, int from);

#define COMMAND(n) int cmd_##n(int argc, char **argv)
COMMAND(create);
COMMAND(delete);
COMMAND(list);
COMMAND(show);
COMMAND(set);
COMMAND(add);
COMMAND(remove);
COMMAND(verify);
COMMAND(mark);
COMMAND(install);
COMMAND(uninstall);
COMMAND(boot);
COMMAND(halt);
COMMAND(shutdown);
COMMAND(reboot);
COMMAND(login);
COMMAND(console);
COMMAND(ps);
COMMAND(stat);
COMMAND(admin);
COMMAND(net);
COMMAND(clone);
COMMAND(detach);
COMMAND(attach);
COMMAND(send);
COMMAND(receive);
COMMAND(move);
int zctl_stop_command(int argc, char **argv, const char *usage, const char *body);

#endif
