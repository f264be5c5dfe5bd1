/*
 * diag.c - diagnostics filled by the library.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

void
owi_diag_clear(struct owi_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->byte = -1;
}

static void
set_file(struct owi_diag *d, const char *file)
{
	snprintf(d->file, sizeof(d->file), "%s", file != NULL ? file : "");
}

void
owi_diag_set(struct owi_diag *d, const char *file, long line, long col,
    const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return;
	owi_diag_clear(d);
	set_file(d, file);
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

void
owi_diag_errno(struct owi_diag *d, const char *file, int errnum,
    const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return;
	owi_diag_clear(d);
	set_file(d, file);
	d->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

void
owi_diag_format(const struct owi_diag *d, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (d->file[0] != '\0' && d->line > 0) {
		n = (size_t)snprintf(buf, size, "%s:%ld:", d->file, d->line);
		if (d->col > 0 && n < size)
			n += (size_t)snprintf(buf + n, size - n, "%ld:", d->col);
		if (n < size)
			n += (size_t)snprintf(buf + n, size - n, " ");
	}
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s", d->msg);
	if (d->errnum != 0 && n < size)
		snprintf(buf + n, size - n, ": %s", strerror(d->errnum));
}
