/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kzone.h - the oszone LSM's user-space interface (kernel/patches: the
 * UAPI header include/uapi/linux/oszone.h), for kernels whose headers do
 * not have it yet.  The values are ABI: they never change.
 */
#ifndef ZONE_KZONE_H
#define ZONE_KZONE_H

#ifndef PR_OSZONE
#define PR_OSZONE 0x5a4f4e45

#define OSZONE_CREATE 1
#define OSZONE_ENTER 2
#define OSZONE_GETID 3
#define OSZONE_GETNAME 4
#define OSZONE_LIST 5
#define OSZONE_SET_UTS 6
#define OSZONE_SHUTDOWN 7
#define OSZONE_DESTROY 8

#define OSZONE_ID_MAX 9999
#define OSZONE_NAME_MAX 64

struct oszone_uts {
	char release[65];
	char version[65];
};
#endif

#endif
