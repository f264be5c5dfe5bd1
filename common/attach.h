/*
 * attach.h - what is in an attachment: its real type, and its text
 * (PDF through poppler's pdftotext, images through tesseract's OCR,
 * Outlook's winmail.dat through libytnef).
 */
#ifndef OWI_ATTACH_H
#define OWI_ATTACH_H

#include <stddef.h>

#include "exec.h"

/* The type the first bytes say, or NULL when they say nothing sure. */
const char *owi_sniff_type(const void *data, size_t len);

/*
 * Text of a PDF or of an image: the data goes to a private temporary file
 * that the tool reads.  *text (malloc'd, valid UTF-8) is set on
 * OWI_EXEC_OK.  langs is tesseract's -l argument ("fra+eng").
 */
enum owi_exec_status owi_pdf_text(const void *data, size_t len,
    int timeout_ms, size_t max, char **text);
enum owi_exec_status owi_ocr_text(const void *data, size_t len,
    const char *langs, int timeout_ms, size_t max, char **text);

/* One file inside a TNEF stream. */
typedef void (*owi_tnef_fn)(const char *name, const void *data, size_t len,
    void *arg);
/*
 * Calls fn for each file that a TNEF (winmail.dat) stream carries, in
 * name order, through tnef(1), and sets *body to its text or HTML body
 * (malloc'd UTF-8, or NULL).  Returns OWI_EXEC_OK, or why not (FAILED:
 * not a TNEF stream, NOTFOUND: tnef is not installed).
 */
enum owi_exec_status owi_tnef_read(const void *data, size_t len,
    int timeout_ms, owi_tnef_fn fn, void *arg, char **body,
    int *body_is_html);

#endif
