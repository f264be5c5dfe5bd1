/*
 * diag.h - a diagnostic the library fills and the command prints.
 *
 * The library never prints: it returns a status and describes the problem
 * here, with the place in the input when there is one.
 */
#ifndef OWI_DIAG_H
#define OWI_DIAG_H

#include <stddef.h>

struct owi_diag {
	char file[256];		/* "" when not about a file */
	long line;		/* 0 when unknown */
	long col;		/* 0 when unknown */
	long byte;		/* -1 when unknown */
	int errnum;		/* errno, 0 when none */
	char msg[512];
};

void owi_diag_clear(struct owi_diag *d);
void owi_diag_set(struct owi_diag *d, const char *file, long line, long col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void owi_diag_errno(struct owi_diag *d, const char *file, int errnum,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* "file:line:col: msg" (the parts that are known), or "msg: strerror". */
void owi_diag_format(const struct owi_diag *d, char *buf, size_t size);

#endif
