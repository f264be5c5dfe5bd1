/*
 * mailsrc.c - the input loop: files, Maildirs, directories, mbox, stdin.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailsrc.h"
#include "maildir.h"

#define SMALL_FILE (256 * 1024)

int
owi_read_fd(int fd, char **data, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t r;

	if (buf == NULL)
		return -1;
	for (;;) {
		if (n == cap) {
			if ((nb = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				errno = ENOMEM;
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*data = buf;
	*len = n;
	return 0;
}

static int
has_date(const unsigned char *p, size_t len)
{
	int has_time = 0, has_year = 0;

	for (size_t i = 0; i < len; i++) {
		size_t left = len - i;

		if (left >= 5 && isdigit(p[i]) && isdigit(p[i + 1]) &&
		    p[i + 2] == ':' && isdigit(p[i + 3]) && isdigit(p[i + 4]))
			has_time = 1;
		if (left >= 4 && (p[i] == '1' || p[i] == '2') &&
		    isdigit(p[i + 1]) && isdigit(p[i + 2]) && isdigit(p[i + 3]) &&
		    (i == 0 || !isdigit(p[i - 1])) &&
		    (left == 4 || !isdigit(p[i + 4])))
			has_year = 1;
	}
	return has_time && has_year;
}

/*
 * "From sender date", or "From sender" alone ("From -", as Mozilla
 * writes).  What follows the sender must look like a date (a time and a
 * year), as in mutt's is_from(), so that "From time to time" or an
 * unquoted "From Russia with love" in a body is no separator.
 */
int
owi_mbox_is_from_line(const char *line, size_t len)
{
	const unsigned char *p = (const unsigned char *)line;
	size_t i = 5;

	if (len < 6 || memcmp(line, "From ", 5) != 0 || isspace(p[5]))
		return 0;
	while (i < len && !isspace(p[i]))
		i++;
	while (i < len && isspace(p[i]))
		i++;
	if (i == len)
		return 1;
	return has_date(p + i, len - i);
}

static const char *
line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl != NULL ? nl : end;
}

/* ">From ", ">>From "...: mboxrd quoting, one '>' comes off. */
static int
is_quoted_from(const char *p, const char *e)
{
	while (p < e && *p == '>')
		p++;
	return e - p >= 5 && memcmp(p, "From ", 5) == 0;
}

/* Copies [p, end) without mboxrd quoting into a new buffer. */
static char *
unquote_mbox(const char *p, const char *end, size_t *len)
{
	char *out = malloc((size_t)(end - p) + 1), *o = out;

	if (out == NULL)
		return NULL;
	while (p < end) {
		const char *e = line_end(p, end);

		if (*p == '>' && is_quoted_from(p, e))
			p++;
		if (e < end)
			e++;
		memcpy(o, p, (size_t)(e - p));
		o += e - p;
		p = e;
	}
	*len = (size_t)(o - out);
	return out;
}

static int
read_mbox(const char *path, const char *data, size_t len, long long base,
    owi_mail_fn fn, void *arg)
{
	const char *end = data + len, *p = data, *msg = NULL;
	long long msg_off = 0;
	int rc;

	for (;;) {
		const char *e = p < end ? line_end(p, end) : end;
		int sep = p >= end ||
		    owi_mbox_is_from_line(p, (size_t)(e - p));

		if (sep && msg != NULL) {
			struct owi_mail m;
			size_t mlen;
			/* The blank line before a separator belongs to it. */
			const char *mend = p;
			char *buf;

			if (p < end && mend > msg && mend[-1] == '\n')
				mend--;
			if ((buf = unquote_mbox(msg, mend, &mlen)) == NULL)
				return -1;
			m.data = buf;
			m.len = mlen;
			m.path = path;
			m.offset = msg_off;
			rc = fn(&m, arg);
			free(buf);
			if (rc != 0)
				return rc;
			msg = NULL;
		}
		if (p >= end)
			break;
		if (sep) {
			msg_off = base + (p - data);
			msg = e < end ? e + 1 : end;
		}
		p = e < end ? e + 1 : end;
	}
	return 0;
}

static int
read_file(const char *path, owi_mail_fn fn, void *arg, struct owi_diag *d)
{
	int fd, rc, bom = 0;
	struct stat st;
	void *map = NULL;
	char *copy = NULL;
	size_t len = 0;
	struct owi_mail m;

	if ((fd = open(path, O_RDONLY)) < 0) {
		owi_diag_errno(d, path, errno, "cannot open '%s'", path);
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		owi_diag_errno(d, path, errno, "cannot read '%s'", path);
		close(fd);
		return -1;
	}
	/* Most mails are small: one read costs less than a mapping. */
	if (st.st_size > 0 && st.st_size <= SMALL_FILE) {
		if (owi_read_fd(fd, &copy, &len) != 0) {
			owi_diag_errno(d, path, errno, "cannot read '%s'",
			    path);
			close(fd);
			return -1;
		}
	} else if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
		if (map == MAP_FAILED) {
			owi_diag_errno(d, path, errno, "cannot read '%s'",
			    path);
			close(fd);
			return -1;
		}
	}
	close(fd);
	m.data = map != NULL ? map : copy != NULL ? copy : "";
	m.len = map != NULL ? (size_t)st.st_size : len;
	m.path = path;
	m.offset = -1;
	/* A byte order mark, left by an editor, is not part of the mail. */
	if (m.len >= 3 && memcmp(m.data, "\xEF\xBB\xBF", 3) == 0)
		m.data += 3, m.len -= 3, bom = 3;
	if (m.len > 5 && owi_mbox_is_from_line(m.data,
	    (size_t)(line_end(m.data, m.data + m.len) - m.data))) {
		rc = read_mbox(path, m.data, m.len, bom, fn, arg);
		if (rc < 0)
			owi_diag_errno(d, path, ENOMEM, "cannot read '%s'",
			    path);
	} else
		rc = fn(&m, arg);
	if (map != NULL)
		munmap(map, (size_t)st.st_size);
	free(copy);
	return rc;
}

static int
read_stdin(owi_mail_fn fn, void *arg, struct owi_diag *d)
{
	char *data;
	size_t len;
	struct owi_mail m = { NULL, 0, NULL, -1 };
	const char *start;
	int rc;

	if (owi_read_fd(STDIN_FILENO, &data, &len) != 0) {
		owi_diag_errno(d, "<stdin>", errno, "cannot read standard input");
		return -1;
	}
	start = data;
	/* The MTA's envelope line is not part of the mail (as procmail). */
	if (len > 5 && owi_mbox_is_from_line(data,
	    (size_t)(line_end(data, data + len) - data))) {
		const char *e = memchr(data, '\n', len);

		start = e != NULL ? e + 1 : data + len;
	}
	m.data = start;
	m.len = len - (size_t)(start - data);
	rc = fn(&m, arg);
	free(data);
	return rc;
}

int
owi_mailsrc_read(const char *input, owi_mail_fn fn, owi_skip_fn skip,
    void *arg, struct owi_diag *d)
{
	struct stat st;
	char **paths;
	int rc = 0;

	if (strcmp(input, "-") == 0)
		return read_stdin(fn, arg, d);
	if (stat(input, &st) != 0) {
		owi_diag_errno(d, input, errno, "cannot open '%s'", input);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return read_file(input, fn, arg, d);
	if ((paths = owi_maildir_list(input, d)) == NULL)
		return -1;
	for (char **p = paths; *p != NULL && rc == 0; p++) {
		struct owi_diag fd;

		owi_diag_clear(&fd);
		rc = read_file(*p, fn, arg, &fd);
		if (rc < 0) {
			/* One unreadable file does not stop the folder. */
			if (skip != NULL)
				skip(&fd, arg);
			rc = 0;
		}
	}
	owi_paths_free(paths);
	return rc;
}
