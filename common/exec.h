/*
 * exec.h - run a helper program (pdftotext, tesseract, sendmail) with a
 * time limit and a cap on what it may print.
 */
#ifndef OWI_EXEC_H
#define OWI_EXEC_H

#include <stddef.h>

enum owi_exec_status {
	OWI_EXEC_OK,		/* exited 0 */
	OWI_EXEC_FAILED,	/* exited non-zero or killed by a signal */
	OWI_EXEC_TIMEOUT,	/* killed after the time limit */
	OWI_EXEC_NOTFOUND,	/* the program is not installed */
	OWI_EXEC_ERROR		/* could not run it (errno set) */
};

/*
 * Runs argv (argv[0] searched in PATH) with stdin from /dev/null, or from
 * input (len bytes) when input is not NULL, and stderr to /dev/null.
 * Collects at most max_out bytes of stdout into *out (malloc'd,
 * NUL-terminated; the rest is read and dropped), kills the child after
 * timeout_ms.  *out is set whenever the result is OK or FAILED.
 */
enum owi_exec_status owi_exec_capture(char *const argv[], const char *input,
    size_t len, int timeout_ms, size_t max_out, char **out, size_t *outlen);

#endif
