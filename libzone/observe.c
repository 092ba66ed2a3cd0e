// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * observe.c - what a running zone looks like from the host: ps, stat, net.
 *
 * Observers never wait for a busy zone: they take the zone lock only to put
 * a zone whose monitor died back to `installed` (reconcile), and when
 * someone else holds it (a boot, a halt, an install) they read the record
 * as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"

/* ---- observing --------------------------------------------------------------------- */

/* A live zone's status; an error naming verb and state if it is not running. */
int zone_runtime_load_live(struct zone_store *s, const char *name, const char *verb,
			   struct zone_status *st, struct zone_error *err)
{
	struct zone_error lerr = { 0 };
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_trylock(s, name, verb, &l, &lerr);
	if (r == -ENOENT || r == -EINVAL) {
		*err = lerr;
		return zone_error_wrap(err, "%s", verb);
	}
	/* with the lock, a dead monitor's zone is put back first; without, as recorded */
	r = zone_store_load_status(s, name, st, err);
	if (r >= 0 && l)
		r = zone_runtime_reconcile_locked(s, name, st, err);
	if (r < 0) {
		zone_status_reset(st);
		return zone_error_wrap(err, "%s %s", verb, name);
	}
	if (!zone_state_is_live(st->state) || !zone_status_alive(st)) {
		enum zone_state cur = zone_state_is_live(st->state) ? ZONE_STATE_INSTALLED : st->state;
		zone_status_reset(st);
		return zone_error_set(err, EINVAL, "%s %s: the zone is not running (it is %s)", verb,
				      name, zone_state_to_string(cur));
	}
	return 0;
}

/* Field `key` ("Uid:", "NSpid:") of /proc/PID/status: the last number on the line. */
static long proc_status_last(pid_t pid, const char *key, int column)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	_cleanup_free_ char *s = NULL;
	if (zone_read_file(path, &s, 1 << 16) < 0)
		return -1;
	char *line = strstr(s, key);
	if (!line)
		return -1;
	line += strlen(key);
	char *end = strchr(line, '\n');
	if (end)
		*end = '\0';
	long v = -1;
	int col = 0;
	for (char *t = strtok(line, " \t"); t; t = strtok(NULL, " \t"), col++)
		if (column < 0 || col == column)
			v = strtol(t, NULL, 10);
	return v;
}

int zone_runtime_ps(struct zone_store *s, const char *name, json_t **out,
		    struct zone_error *err)
{
	struct zone_status st;
	int r = zone_runtime_load_live(s, name, "ps", &st, err);
	if (r < 0)
		return r;
	pid_t *pids = NULL;
	size_t n = 0;
	r = zone_cgroup_pids(json_object_get(st.extra, "cgroups"), &pids, &n, err);
	if (r < 0) {
		zone_status_reset(&st);
		return zone_error_wrap(err, "ps %s", name);
	}
	/* Only processes in the zone's pid namespace: a login's host-side helper
	 * shares the cgroup but is not in the zone. */
	char path[64], zone_ns[64] = "", ns[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st.init_pid);
	ssize_t zl = readlink(path, zone_ns, sizeof(zone_ns) - 1);
	if (zl > 0)
		zone_ns[zl] = '\0';
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pids[i]);
		ssize_t l = readlink(path, ns, sizeof(ns) - 1);
		if (l <= 0 || (ns[l] = '\0', zl > 0 && strcmp(ns, zone_ns) != 0))
			continue;
		long zpid = proc_status_last(pids[i], "NSpid:", -1);
		long uid = proc_status_last(pids[i], "Uid:", 1); /* effective */
		if (zpid < 0)
			continue; /* exited meanwhile */
		if (st.uid_base && uid >= (long)st.uid_base && uid < (long)st.uid_base + 65536)
			uid -= (long)st.uid_base;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pids[i]);
		_cleanup_free_ char *cmd = NULL;
		ssize_t len = zone_read_file(path, &cmd, 4096);
		for (ssize_t k = 0; k + 1 < len; k++)
			if (cmd[k] == '\0')
				cmd[k] = ' ';
		if (len <= 0) {
			free(cmd);
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
			cmd = NULL;
			if (zone_read_file(path, &cmd, 256) > 0)
				cmd[strcspn(cmd, "\n")] = '\0';
		}
		json_t *c = cmd ? json_string(cmd) : NULL;
		json_array_append_new(arr, json_pack("{s:i,s:i,s:i,s:o}", "pid", (int)zpid,
						     "host_pid", (int)pids[i], "uid", (int)uid,
						     "cmd", c ? c : json_string("?")));
	}
	free(pids);
	zone_status_reset(&st);
	*out = json_pack("{s:s,s:o}", "name", name, "processes", arr);
	return 0;
}

int zone_runtime_net(struct zone_store *s, const char *name, json_t **out,
		     struct zone_error *err)
{
	struct zone_status st;
	int r = zone_runtime_load_live(s, name, "net", &st, err);
	if (r < 0)
		return r;
	json_t *o = NULL;
	if (!json_is_true(json_object_get(st.extra, "netns"))) {
		o = json_pack("{s:s,s:[],s:[]}", "ip_type", "shared", "interfaces", "routes");
	} else if ((r = zone_net_dump(st.init_pid, &o, err)) < 0) {
		zone_status_reset(&st);
		return zone_error_wrap(err, "net %s", name);
	}
	json_object_set_new(o, "name", json_string(name));
	zone_status_reset(&st);
	*out = o;
	return 0;
}

int zone_runtime_stat(struct zone_store *s, const char *name, json_t **out,
		      struct zone_error *err)
{
	struct zone_status st;
	int r = zone_runtime_load_live(s, name, "stat", &st, err);
	if (r < 0)
		return r;
	json_t *o = NULL;
	r = zone_cgroup_stat(json_object_get(st.extra, "cgroups"), &o, err);
	if (r < 0) {
		zone_status_reset(&st);
		return zone_error_wrap(err, "stat %s", name);
	}
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "state", json_string(zone_state_to_string(st.state)));
	json_object_set_new(o, "id", json_integer(st.slot));
	json_object_set_new(o, "init_pid", json_integer(st.init_pid));
	/* traffic per interface, from inside the zone's own network namespace */
	json_t *net = NULL;
	if (json_is_true(json_object_get(st.extra, "netns")) &&
	    zone_net_dump(st.init_pid, &net, NULL) == 0) {
		json_t *ifs = json_array();
		size_t i;
		json_t *l;
		json_array_foreach(json_object_get(net, "interfaces"), i, l)
			json_array_append_new(ifs, json_pack("{s:O,s:O,s:O,s:O,s:O}",
				"name", json_object_get(l, "name"),
				"rx_bytes", json_object_get(l, "rx_bytes"),
				"rx_packets", json_object_get(l, "rx_packets"),
				"tx_bytes", json_object_get(l, "tx_bytes"),
				"tx_packets", json_object_get(l, "tx_packets")));
		json_object_set_new(o, "network", ifs);
		json_decref(net);
	}
	zone_status_reset(&st);
	*out = o;
	return 0;
}
