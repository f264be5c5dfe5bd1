/*
 * mime.h - one raw mail to the envelope's "message" object (owi(7)).
 */
#ifndef OWI_MIME_H
#define OWI_MIME_H

#include <stddef.h>
#include <json-c/json.h>

struct owi_parse_opts {
	int max_depth;		/* nested multiparts and messages (100) */
	int max_parts;		/* MIME parts in one mail (10000) */
	int max_messages;	/* nested message/rfc822 parsed (10) */
	size_t max_text;	/* bytes of text kept per body or attachment */
	size_t max_extract;	/* largest attachment whose text is extracted */
	int ocr;		/* OCR of images with tesseract */
	const char *ocr_langs;	/* tesseract's -l ("fra+eng") */
	int timeout_ms;		/* per pdftotext or tesseract run */
};

void owi_parse_opts_default(struct owi_parse_opts *o);

/* GMime's global state: once per process. */
void owi_mime_init(void);
void owi_mime_shutdown(void);

/*
 * Parses len bytes of RFC 822.  Returns the "message" object, or NULL when
 * the data is not a mail at all; defects are appended to env's "errors"
 * with the stage "owi-parse" and a stable code (owi-parse(1)).
 */
json_object *owi_mime_message(const char *data, size_t len,
    const struct owi_parse_opts *o, json_object *env);

/*
 * A "message" from a subject and a plain-text body alone (labelled
 * examples, tests): text, its split into new text, quotes and signature,
 * no headers, no attachments.  Strings are repaired to valid UTF-8.
 */
json_object *owi_message_from_text(const char *subject, const char *text);

#endif
