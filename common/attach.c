/*
 * attach.c - attachment types and text.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "mailsrc.h"
#include "text.h"

struct magic {
	size_t off;
	const char *bytes;
	size_t len;
	const char *type;
};

/* Only signatures that do not occur at the start of text by chance. */
static const struct magic magics[] = {
	{ 0, "%PDF-", 5, "application/pdf" },
	{ 0, "\x89PNG\r\n\x1a\n", 8, "image/png" },
	{ 0, "\xff\xd8\xff", 3, "image/jpeg" },
	{ 0, "GIF87a", 6, "image/gif" },
	{ 0, "GIF89a", 6, "image/gif" },
	{ 0, "II*\0", 4, "image/tiff" },
	{ 0, "MM\0*", 4, "image/tiff" },
	{ 8, "WEBP", 4, "image/webp" },
	{ 4, "ftypheic", 8, "image/heic" },
	{ 4, "ftypmif1", 8, "image/heif" },
	{ 0, "\x78\x9f\x3e\x22", 4, "application/ms-tnef" },
	{ 0, "PK\x03\x04", 4, "application/zip" },
	{ 0, "\x1f\x8b", 2, "application/gzip" },
	{ 0, "Rar!\x1a\x07", 6, "application/vnd.rar" },
	{ 0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "application/x-ole-storage" },
	{ 0, "{\\rtf", 5, "application/rtf" },
	{ 0, "BEGIN:VCALENDAR", 15, "text/calendar" },
	{ 0, "BEGIN:VCARD", 11, "text/vcard" },
};

const char *
owi_sniff_type(const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		const struct magic *m = &magics[i];

		if (len >= m->off + m->len &&
		    memcmp(p + m->off, m->bytes, m->len) == 0) {
			/* RIFF....WEBP: the first four bytes too. */
			if (m->off == 8 && memcmp(p, "RIFF", 4) != 0)
				continue;
			return m->type;
		}
	}
	return NULL;
}

/* Writes data to a new private file; returns its path (malloc'd) or NULL. */
static char *
temp_file(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;
	const char *p = data;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((path = malloc(strlen(dir) + 16)) == NULL)
		return NULL;
	snprintf(path, strlen(dir) + 16, "%s/owi.XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0) {
		free(path);
		return NULL;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			unlink(path);
			free(path);
			return NULL;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0) {
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

static enum owi_exec_status
run_on_file(const void *data, size_t len, char *argv[], int file_arg,
    int timeout_ms, size_t max, char **text)
{
	enum owi_exec_status st;
	char *path, *out;
	size_t outlen;

	*text = NULL;
	if ((path = temp_file(data, len)) == NULL)
		return OWI_EXEC_ERROR;
	argv[file_arg] = path;
	st = owi_exec_capture(argv, NULL, 0, timeout_ms, max, &out, &outlen);
	unlink(path);
	free(path);
	if (st == OWI_EXEC_OK) {
		/* Form feeds between pages are noise for every reader. */
		for (size_t i = 0; i < outlen; i++)
			if (out[i] == '\f')
				out[i] = '\n';
		*text = owi_text_to_utf8(out, outlen, "utf-8", NULL);
		if (*text == NULL)
			st = OWI_EXEC_ERROR;
	}
	free(out);
	return st;
}

enum owi_exec_status
owi_pdf_text(const void *data, size_t len, int timeout_ms, size_t max,
    char **text)
{
	char *argv[] = { "pdftotext", "-q", "-enc", "UTF-8", "-l", "50", NULL,
	    "-", NULL };

	return run_on_file(data, len, argv, 6, timeout_ms, max, text);
}

enum owi_exec_status
owi_ocr_text(const void *data, size_t len, const char *langs, int timeout_ms,
    size_t max, char **text)
{
	char *argv[] = { "tesseract", NULL, "stdout", "-l", (char *)langs,
	    NULL };

	return run_on_file(data, len, argv, 1, timeout_ms, max, text);
}

/* Removes dir and the files in it (ytnef makes no subdirectories). */
static void
remove_dir(const char dir[1024])
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char path[1400];

	while (dp != NULL && (de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (dp != NULL)
		closedir(dp);
	rmdir(dir);
}

/* Calls fn for each regular file of dir, in name order. */
static void
each_file(const char dir[1024], owi_tnef_fn fn, void *arg)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	char path[1400];

	for (int i = 0; i < n; i++) {
		int fd;
		char *data;
		size_t len;
		char *name;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] != '.' &&
		    (fd = open(path, O_RDONLY)) >= 0) {
			if (owi_read_fd(fd, &data, &len) == 0) {
				name = owi_text_to_utf8(names[i]->d_name,
				    strlen(names[i]->d_name), NULL, NULL);
				fn(name, data, len, arg);
				free(name);
				free(data);
			}
			close(fd);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* The charset an HTML document declares in its first kilobyte, or NULL. */
static const char *
html_charset(const char *html, size_t len, char *buf, size_t size)
{
	const char *p = memmem(html, len < 1024 ? len : 1024, "charset=", 8);
	size_t n = 0;

	if (p == NULL)
		return NULL;
	p += 8;
	if (*p == '"' || *p == '\'')
		p++;
	while (p + n < html + len && n + 1 < size &&
	    (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '_'))
		n++;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n > 0 ? buf : NULL;
}

/* The body tnef saved as dir/.body.txt or .body.html, as UTF-8. */
static char *
tnef_body(const char dir[1024], int *is_html)
{
	static const char *const names[] = { ".body.txt", ".body.html" };
	char path[1400], *data, *text, cs[64];
	size_t len;
	int fd;

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		if (owi_read_fd(fd, &data, &len) != 0) {
			close(fd);
			continue;
		}
		close(fd);
		text = owi_text_to_utf8(data, len, i == 1 ?
		    html_charset(data, len, cs, sizeof(cs)) : NULL, NULL);
		free(data);
		*is_html = i == 1;
		return text;
	}
	return NULL;
}

/*
 * tnef(1) runs apart: a TNEF stream is hostile input for a parser that
 * is not ours, and what it writes to stdout must not reach the envelopes.
 */
enum owi_exec_status
owi_tnef_read(const void *data, size_t len, int timeout_ms, owi_tnef_fn fn,
    void *arg, char **body, int *body_is_html)
{
	char *file, *out, dir[1024];
	const char *tmp = getenv("TMPDIR");
	size_t outlen;
	enum owi_exec_status st;
	char *argv[] = { "tnef", "--number-backups", "--save-body=.body",
	    "--body-pref=THR", "-C", dir, "-f", NULL, NULL };

	*body = NULL;
	*body_is_html = 0;
	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > 900)
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/owi-tnef.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL)
		return OWI_EXEC_ERROR;
	if ((file = temp_file(data, len)) == NULL) {
		rmdir(dir);
		return OWI_EXEC_ERROR;
	}
	argv[7] = file;
	st = owi_exec_capture(argv, NULL, 0, timeout_ms, 4096, &out, &outlen);
	free(out);
	unlink(file);
	free(file);
	if (st == OWI_EXEC_OK) {
		each_file(dir, fn, arg);
		*body = tnef_body(dir, body_is_html);
	}
	remove_dir(dir);
	return st;
}
