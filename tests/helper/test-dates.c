/*
 * test-dates - print owi_find_dates's hits for the text on stdin.
 *
 * The first line of stdin is the mail's date, YYYY-MM-DD; the rest is the
 * text, whose byte offsets the hits give.  One line per hit:
 * "START END YYYY-MM-DD ABOUT", with " rel" when the day was resolved
 * from a relative expression.  -m N keeps at most N hits.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "dates.h"
#include "mailsrc.h"

static const char *progname = "test-dates";

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-m max] < text\n", progname);
}


int
main(int argc, char *argv[])
{
	struct owi_date_ref ref;
	struct owi_date_hit *hits;
	char *buf, *text, *nl, *end;
	size_t len, tlen, max = 0, n, i;
	long v;
	int c, status = 0;

	while ((c = getopt(argc, argv, "m:")) != -1) {
		switch (c) {
		case 'm':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 0) {
				fprintf(stderr, "%s: invalid maximum '%s'\n",
				    progname, optarg);
				return EX_USAGE;
			}
			max = (size_t)v;
			break;
		default:
			usage();
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", progname,
		    argv[optind]);
		usage();
		return EX_USAGE;
	}
	if (owi_read_fd(STDIN_FILENO, &buf, &len) != 0) {
		fprintf(stderr, "%s: cannot read 'stdin'\n", progname);
		return EX_IOERR;
	}
	nl = memchr(buf, '\n', len);
	if (nl == NULL || nl - buf != 10 || sscanf(buf, "%4d-%2d-%2d",
	    &ref.year, &ref.month, &ref.day) != 3 || ref.month < 1 ||
	    ref.month > 12 || ref.day < 1 || ref.day > 31) {
		fprintf(stderr, "%s: first line is not a date 'YYYY-MM-DD'\n",
		    progname);
		free(buf);
		return EX_DATAERR;
	}
	ref.wday = owi_weekday(ref.year, ref.month, ref.day);
	text = nl + 1;
	tlen = len - (size_t)(text - buf);
	/* A hit is at least three bytes ("dec" is not one, "3/4" is). */
	if (max == 0 || max > tlen / 3 + 1)
		max = tlen / 3 + 1;
	if ((hits = calloc(max, sizeof(*hits))) == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		free(buf);
		return EX_OSERR;
	}
	n = owi_find_dates(text, tlen, &ref, hits, max);
	for (i = 0; i < n; i++)
		printf("%zu %zu %04d-%02d-%02d %s%s\n", hits[i].start,
		    hits[i].end, hits[i].year, hits[i].month, hits[i].day,
		    hits[i].about, hits[i].relative ? " rel" : "");
	free(hits);
	free(buf);
	if (fflush(stdout) == EOF || ferror(stdout) || fclose(stdout) == EOF) {
		fprintf(stderr, "%s: cannot write 'stdout'\n", progname);
		status = EX_IOERR;
	}
	return status;
}
