/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cleanup.h - the one place that defines scope-bound cleanup for the tree.
 *
 * Every destructor here accepts NULL (or -1 for fds), so a variable declared
 * with one of these attributes may be left unset on any path.  Ownership is
 * handed out of a scope explicitly with TAKE_PTR()/TAKE_FD(), never by
 * silently returning a pointer that a cleanup attribute still owns.
 */
#ifndef ZONE_CLEANUP_H
#define ZONE_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <jansson.h>

#include "zone.h"

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static inline void json_unrefp(json_t **j)
{
	if (*j)
		json_decref(*j);
}

static inline void strv_freep(char ***v)
{
	if (*v) {
		for (char **s = *v; *s; s++)
			free(*s);
		free(*v);
	}
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _cleanup_json_ _cleanup_(json_unrefp)
#define _cleanup_strv_ _cleanup_(strv_freep)

/* Hand ownership of a pointer out of a cleanup scope. */
#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _tp = (p);                                       \
		(p) = NULL;                                                    \
		_tp;                                                           \
	})

/* Hand ownership of a file descriptor out of a cleanup scope. */
#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _tf = (fd);                                                \
		(fd) = -1;                                                     \
		_tf;                                                           \
	})

/* The library's own types (zone.h). */
static inline void zone_config_freep(struct zone_config **c)
{
	zone_config_free(*c);
}

static inline void zone_brand_freep(struct zone_brand **b)
{
	zone_brand_free(*b);
}

static inline void zone_lock_releasep(struct zone_lock **l)
{
	zone_lock_release(*l);
}

static inline void zone_status_resetp(struct zone_status *st)
{
	zone_status_reset(st);
}

static inline void zone_store_closep(struct zone_store **s)
{
	zone_store_close(*s);
}

#define _cleanup_config_ _cleanup_(zone_config_freep)
#define _cleanup_brand_ _cleanup_(zone_brand_freep)
#define _cleanup_lock_ _cleanup_(zone_lock_releasep)
/* for a struct zone_status declared = ZONE_STATUS_INIT */
#define _cleanup_status_ _cleanup_(zone_status_resetp)
#define _cleanup_store_ _cleanup_(zone_store_closep)

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#endif
