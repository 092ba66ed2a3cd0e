// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zdirect - a libzone caller that is not zoned: runs zone API requests in
 * this process's own children, as zoned's workers do, against the store of
 * $ZONES_ROOT, as root.  For the lock and stress tests (tests/bats/steps.bats),
 * which race it against zonectl through zoned.
 *
 *   zdirect VERB NAME [key=value...]     one request; prints the error, exit 1
 *   zdirect race ROUNDS SEED NAME...     ROUNDS rounds of create, install,
 *                                        boot, halt, uninstall, delete on a
 *                                        name picked at random each round;
 *                                        prints one line of counts at the end
 *
 * We are a child subreaper, like zoned: the monitors that boots fork
 * (CLONE_PARENT) are reparented to us when their worker exits, and we reap
 * them.  A monitor that outlives us is reparented further up, as when zoned
 * stops, and keeps its zone running.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zone.h"

static struct zone_store *store;

/* One request in a worker process of ours; 0 or the errno it failed with. */
static int request(const char *verb, const char *name, const char *brand);

/* The race's zones are exclusive-IP zones on $ZDIRECT_BRIDGE, when set. */
static int add_net(const char *name)
{
	const char *br = getenv("ZDIRECT_BRIDGE");
	if (!br || !*br)
		return 0;
	return request("add", name, br);
}

static int request(const char *verb, const char *name, const char *brand)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		struct zone_ctx ctx = { .store = store, .caller = { .uid = 0, .gid = 0 } };
		json_t *params = json_pack("{s:s}", "name", name);
		if (brand && !strcmp(verb, "add")) { /* brand: the bridge */
			char br[128];
			snprintf(br, sizeof(br), "bridge=%s", brand);
			json_object_set_new(params, "kind", json_string("net"));
			json_object_set_new(params, "properties", json_pack("[s,s]", "name=eth0", br));
		} else if (brand) {
			json_object_set_new(params, "brand", json_string(brand));
			const char *br = getenv("ZDIRECT_BRIDGE");
			if (br && *br)
				json_object_set_new(params, "set", json_pack("[s]", "ip_type=exclusive"));
		}
		json_t *reply = NULL;
		struct zone_error err = { 0 };
		int r = zone_api_call(&ctx, verb, params, &reply, &err);
		if (r < 0)
			fprintf(stderr, "zdirect: %s\n", err.msg);
		_exit(r < 0 ? (err.code > 0 && err.code < 255 ? err.code : 1) : 0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	/* and whatever else of ours has ended meanwhile (monitors) */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: zdirect VERB NAME | zdirect race ROUNDS SEED NAME...\n");
		return 2;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	struct zone_error err = { 0 };
	if (zone_store_open(NULL, &store, &err) < 0) {
		fprintf(stderr, "zdirect: %s\n", err.msg);
		return 1;
	}
	if (strcmp(argv[1], "race") != 0) {
		const char *brand = argc > 3 ? argv[3] : NULL;
		int r = request(argv[1], argv[2], brand);
		zone_store_close(store);
		return r ? 1 : 0;
	}
	if (argc < 5) {
		fprintf(stderr, "usage: zdirect race ROUNDS SEED NAME...\n");
		return 2;
	}
	int rounds = atoi(argv[2]);
	srandom((unsigned)atoi(argv[3]));
	char **names = argv + 4;
	int n_names = argc - 4;
	static const char *const verbs[] = { "create", "install", "boot", "halt", "uninstall",
					     "delete" };
	unsigned long ok[6] = { 0 }, failed[6] = { 0 }, timeouts = 0;
	for (int r = 0; r < rounds; r++) {
		const char *name = names[random() % n_names];
		for (int v = 0; v < 6; v++) {
			int e = request(verbs[v], name, v == 0 ? "busybox" : NULL);
			if (e == 0 && v == 0)
				add_net(name);
			if (e == 0)
				ok[v]++;
			else
				failed[v]++;
			if (e == ETIMEDOUT)
				timeouts++;
		}
	}
	printf("direct:");
	for (int v = 0; v < 6; v++)
		printf(" %s %lu/%lu", verbs[v], ok[v], ok[v] + failed[v]);
	printf(" lock-timeouts %lu\n", timeouts);
	zone_store_close(store);
	return 0;
}
