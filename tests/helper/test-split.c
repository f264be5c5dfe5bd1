/*
 * test-split - print owi_split_text's four fields for the body on stdin.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sysexits.h>

#include "mailsrc.h"
#include "quote.h"

static const char *progname = "test-split";

int
main(int argc, char *argv[])
{
	struct owi_split s;
	char *buf;
	size_t len;
	int status = 0;

	if (argc > 1) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", progname,
		    argv[1]);
		fprintf(stderr, "usage: %s < body\n", progname);
		return EX_USAGE;
	}
	if (owi_read_fd(STDIN_FILENO, &buf, &len) != 0) {
		fprintf(stderr, "%s: cannot read 'stdin'\n", progname);
		return EX_IOERR;
	}
	if (owi_split_text(buf, len, &s) == -1) {
		fprintf(stderr, "%s: out of memory\n", progname);
		free(buf);
		return EX_OSERR;
	}
	printf("== new_text ==\n%s\n== quoted_text ==\n%s\n"
	    "== forwarded_text ==\n%s\n== signature ==\n%s\n",
	    s.new_text, s.quoted_text, s.forwarded_text, s.signature);
	owi_split_free(&s);
	free(buf);
	if (fflush(stdout) == EOF || ferror(stdout) || fclose(stdout) == EOF) {
		fprintf(stderr, "%s: cannot write 'stdout'\n", progname);
		status = EX_IOERR;
	}
	return status;
}
