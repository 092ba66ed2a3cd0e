// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kzone.c - kernel zone IDs, when the running kernel has the oszone LSM
 * (kernel/patches): detection, and the few operations the runtime needs.
 *
 * Theory: with the LSM a zone's processes carry a kernel zone ID in their
 * credentials, which they can never leave, and the kernel refuses any
 * signal, ptrace or similar from them to a task of another zone -- a second
 * wall behind the namespaces.  ENTER needs the global zone and
 * CAP_SYS_ADMIN in the initial user namespace, which the zone's first
 * process no longer has once it is in its new user namespace; so a short
 * lived helper enters the zone and creates the first process with
 * CLONE_PARENT, making it the monitor's child as before (monitor.c).
 * Without the LSM every function here reports "absent" and zones work as
 * they always did.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"
#include "kzone.h"

bool zone_kzone_available(void)
{
	static int known = -1;
	if (known < 0) {
		/* GETID is allowed to anyone; EINVAL means no LSM answered */
		known = prctl(PR_OSZONE, OSZONE_GETID, 0, 0, 0) >= 0;
	}
	return known;
}

int zone_kzone_create(const char *name, int slot, struct zone_error *err)
{
	int id = (int)prctl(PR_OSZONE, OSZONE_CREATE, (unsigned long)name, 0, 0);
	if (id < 0 && errno == EEXIST) {
		/* another store on this host has a zone of that name */
		char alt[OSZONE_NAME_MAX];
		snprintf(alt, sizeof(alt), "%.50s.%d", name, slot);
		id = (int)prctl(PR_OSZONE, OSZONE_CREATE, (unsigned long)alt, 0, 0);
	}
	if (id < 0)
		return zone_error_errno(err, errno, "create the kernel zone %s", name);
	return id;
}

int zone_kzone_enter(int id, struct zone_error *err)
{
	if (prctl(PR_OSZONE, OSZONE_ENTER, (unsigned long)id, 0, 0) < 0)
		return zone_error_errno(err, errno, "enter kernel zone %d", id);
	return 0;
}

int zone_kzone_set_release(int id, pid_t member, const char *release, struct zone_error *err)
{
	struct oszone_uts uts;
	memset(&uts, 0, sizeof(uts));
	snprintf(uts.release, sizeof(uts.release), "%s", release);
	if (prctl(PR_OSZONE, OSZONE_SET_UTS, (unsigned long)id, (unsigned long)&uts,
		  (unsigned long)member) < 0)
		return zone_error_errno(err, errno, "set the release of kernel zone %d to %s", id,
					release);
	return 0;
}

/* Kill what is left and retire the ID (its last task may still be freeing). */
void zone_kzone_destroy(int id)
{
	if (id <= 0)
		return;
	prctl(PR_OSZONE, OSZONE_SHUTDOWN, (unsigned long)id, 0, 0);
	for (int i = 0; i < 2000; i++) {
		if (prctl(PR_OSZONE, OSZONE_DESTROY, (unsigned long)id, 0, 0) == 0 || errno != EBUSY)
			return;
		usleep(500);
	}
}
