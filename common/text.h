/*
 * text.h - text to valid UTF-8: charsets, lying declarations, flowed text.
 *
 * Every string owi puts in an envelope has been through here: whatever
 * the mail claims, what comes out is valid UTF-8 without NUL bytes.
 */
#ifndef OWI_TEXT_H
#define OWI_TEXT_H

#include <stddef.h>

/* How owi_text_to_utf8 got its result, so that the caller can record it. */
enum owi_charset_how {
	OWI_CS_DECLARED,	/* converted from the declared charset */
	OWI_CS_UTF8_GUESS,	/* undeclared or lying 8-bit text that is UTF-8 */
	OWI_CS_CP1252_GUESS,	/* undeclared 8-bit text, not UTF-8: windows-1252 */
	OWI_CS_UNKNOWN,		/* declared charset unknown: guessed as above */
	OWI_CS_REPAIRED		/* invalid bytes replaced by U+FFFD */
};

/*
 * Converts len bytes in charset (NULL or "" when undeclared) to UTF-8.
 * Returns a malloc'd NUL-terminated string, or NULL when out of memory;
 * *how (may be NULL) says how.
 */
char *owi_text_to_utf8(const char *s, size_t len, const char *charset,
    enum owi_charset_how *how);

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int owi_utf8_valid(const char *s, size_t len);

/* A malloc'd copy of s that is valid UTF-8 without NUL: invalid bytes
 * become U+FFFD.  NULL only when out of memory. */
char *owi_utf8_repair(const char *s, size_t len);

/* Decodes format=flowed (RFC 3676) text: soft breaks joined, space
 * stuffing removed.  Returns a malloc'd string or NULL (out of memory). */
char *owi_flowed_decode(const char *s, size_t len, int delsp);

/* A malloc'd copy with CR LF turned into LF, trailing blanks of each line
 * and blank lines at both ends removed. */
char *owi_text_tidy(const char *s, size_t len);

/* RFC 2047 decoding of an unstructured header value, as UTF-8 (malloc'd). */
char *owi_rfc2047_decode(const char *raw);

/* Lower-case hex SHA-256 of data into hex (65 bytes). */
void owi_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
