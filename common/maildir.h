/*
 * maildir.h - Maildir folders: list the mails, deliver one safely.
 */
#ifndef OWI_MAILDIR_H
#define OWI_MAILDIR_H

#include <stddef.h>

#include "diag.h"

/* True when dir has a cur/ or new/ subdirectory. */
int owi_maildir_is(const char *dir);

/* Creates dir and its tmp, new and cur (mode 0700 for what it creates).
 * Returns 0 or -1 with d filled. */
int owi_maildir_create(const char *dir, struct owi_diag *d);

/*
 * The mails of a Maildir (new/ then cur/), or the regular files of a plain
 * directory (MH style, dotfiles skipped), in name order.  Returns a
 * NULL-terminated array of malloc'd paths (free with owi_paths_free), or
 * NULL with d filled.
 */
char **owi_maildir_list(const char *dir, struct owi_diag *d);
void owi_paths_free(char **paths);

/*
 * Delivers data into dir/new with the maildir protocol: a unique name in
 * tmp, write, fsync, rename into new, fsync new.  Sets *path (malloc'd) to
 * the delivered file.  Returns 0, or -1 with d filled (nothing is left in
 * tmp).
 */
int owi_maildir_deliver(const char *dir, const void *data, size_t len,
    char **path, struct owi_diag *d);

#endif
