/*
 * test-html: print owi_html_to_text() of standard input.
 *
 * Exit 0, or 1 when out of memory or standard input or output fails.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static char *
slurp(FILE *fp, size_t *lenp)
{
	char	*buf = NULL, *p, *exact;
	size_t	 len = 0, cap = 0, n;

	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? 2 * cap : 65536;
			if ((p = realloc(buf, cap)) == NULL)
				goto fail;
			buf = p;
		}
		if ((n = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	if (ferror(fp))
		goto fail;
	/* An exact-size copy lets ASan catch a read past len. */
	if ((exact = malloc(len ? len : 1)) == NULL)
		goto fail;
	memcpy(exact, buf, len);
	free(buf);
	*lenp = len;
	return exact;
fail:
	free(buf);
	return NULL;
}

int
main(void)
{
	char	*html, *txt;
	size_t	 len;
	int	 rc = 0;

	if ((html = slurp(stdin, &len)) == NULL) {
		fputs("test-html: cannot read standard input\n", stderr);
		return 1;
	}
	if ((txt = owi_html_to_text(html, len)) == NULL) {
		fputs("test-html: out of memory\n", stderr);
		free(html);
		return 1;
	}
	if (fputs(txt, stdout) == EOF)
		rc = 1;
	free(txt);
	free(html);
	if (fclose(stdout) == EOF)
		rc = 1;
	if (rc != 0)
		fputs("test-html: cannot write standard output\n", stderr);
	return rc;
}
