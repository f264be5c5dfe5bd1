/*
 * mailsrc.h - where mails come from: one input loop for every program
 * that reads RFC 822 (a file, a Maildir, a plain directory, an mbox file,
 * standard input), one callback per mail.
 */
#ifndef OWI_MAILSRC_H
#define OWI_MAILSRC_H

#include <stddef.h>

#include "diag.h"

struct owi_mail {
	const char *data;	/* the raw mail, not NUL-terminated */
	size_t len;
	const char *path;	/* NULL for standard input */
	long long offset;	/* byte offset of the mail in an mbox, else -1 */
};

/* Return 0 to go on, nonzero to stop the loop (the value is returned). */
typedef int (*owi_mail_fn)(const struct owi_mail *m, void *arg);

/*
 * Calls fn for each mail of input: "-" is standard input (one mail; a
 * leading mbox "From " line is dropped), a directory is a Maildir (new/
 * then cur/) or else every regular file in it, a file whose first line
 * is an mbox "From " line is an mbox (mboxrd: ">From " unquoted), any
 * other file is one mail.  A file that cannot be read inside a directory
 * is reported through skip (may be NULL) and the loop goes on.
 * Returns 0, fn's nonzero value, or -1 with d filled when input itself
 * cannot be read.
 */
typedef void (*owi_skip_fn)(const struct owi_diag *d, void *arg);
int owi_mailsrc_read(const char *input, owi_mail_fn fn, owi_skip_fn skip,
    void *arg, struct owi_diag *d);

/* Reads all of fd into a malloc'd buffer.  Returns 0 or -1 (errno). */
int owi_read_fd(int fd, char **data, size_t *len);

/* True when line (len bytes, no newline) is an mbox separator. */
int owi_mbox_is_from_line(const char *line, size_t len);

#endif
