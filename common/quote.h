/*
 * quote.h - split a mail body into what the sender wrote now, the quoted
 * history, forwarded messages and the signature.
 */
#ifndef OWI_QUOTE_H
#define OWI_QUOTE_H

#include <stddef.h>

struct owi_split {
	char	*new_text;	/* what the sender wrote in this mail only */
	char	*quoted_text;	/* quoted history, attribution included */
	char	*forwarded_text; /* forwarded messages, header block included */
	char	*signature;	/* signature, closing formula, device line */
};

/*
 * Splits a decoded UTF-8 plain-text body of len bytes (LF or CRLF line
 * ends; invalid UTF-8 is tolerated). Returns 0, or -1 when out of memory.
 * On success every field is a malloc'd NUL-terminated string, possibly
 * empty, never NULL; each line is right-trimmed and no field starts or ends
 * with a blank line. Every non-blank input line lands in exactly one field.
 * On failure every field is NULL. Time and memory are linear in len.
 */
int	owi_split_text(const char *text, size_t len, struct owi_split *out);

/* Frees the fields and sets them to NULL; s may be NULL. */
void	owi_split_free(struct owi_split *s);

#endif /* OWI_QUOTE_H */
