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

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#endif
