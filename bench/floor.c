/*
 * floor: the least work any GMime-based parser of owi's kind must do, the
 * baseline of bench/parse.sh.  Each mail file is parsed with GMime over a
 * mapped stream, its parts are walked, and every leaf of type text (any
 * subtype) is decoded: transfer encoding, then charset to UTF-8.  Nothing
 * is kept and nothing is written but a final count.  A file whose first
 * line starts with "From " is read as an mbox, as owi-parse reads it.
 *
 * usage: floor [FILE...]    (no FILE: paths on stdin, one a line)
 *
 * Exit status: 0, 64 usage, 66 a file could not be opened, 74 cannot write.
 */
#define _POSIX_C_SOURCE 200809L	/* getline, pread */

#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

struct count {
	unsigned long mails;
	unsigned long texts;
	unsigned long long bytes;
};

static void
text_cb(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct count *c = data;
	char *text;

	(void)parent;
	if (!GMIME_IS_TEXT_PART(part))
		return;
	/* Owned: the decoded text, a new string. */
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	if (text == NULL)
		return;
	c->texts++;
	c->bytes += strlen(text);
	g_free(text);
}

static int
parse_file(const char *path, struct count *c)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	char head[5];
	ssize_t n;
	int fd, mbox;

	if ((fd = open(path, O_RDONLY)) == -1) {
		fprintf(stderr, "floor: cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	n = pread(fd, head, sizeof(head), 0);
	mbox = n == (ssize_t)sizeof(head) && memcmp(head, "From ", 5) == 0;

	/* An empty file cannot be mapped; a plain fs stream reads it. */
	if ((stream = g_mime_stream_mmap_new(fd, PROT_READ, MAP_PRIVATE)) == NULL)
		stream = g_mime_stream_fs_new(fd);
	/* The stream owns fd, the parser holds the stream. */
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	g_mime_parser_set_format(parser,
	    mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);

	do {
		msg = g_mime_parser_construct_message(parser, NULL);
		if (msg == NULL)
			break;
		c->mails++;
		g_mime_message_foreach(msg, text_cb, c);
		g_object_unref(msg);
	} while (mbox && !g_mime_parser_eos(parser));

	g_object_unref(parser);
	return 0;
}

static void
usage(void)
{
	fputs("usage: floor [FILE...]\n", stderr);
	exit(64);
}

int
main(int argc, char *argv[])
{
	struct count c = { 0, 0, 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int i, status = 0;

	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			usage();

	g_mime_init();
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (parse_file(argv[i], &c) == -1)
				status = 66;
	} else {
		while ((len = getline(&line, &cap, stdin)) != -1) {
			if (len > 0 && line[len - 1] == '\n')
				line[--len] = '\0';
			if (len == 0)
				continue;
			if (parse_file(line, &c) == -1)
				status = 66;
		}
		free(line);
	}
	g_mime_shutdown();

	printf("%lu mails, %lu text parts, %llu bytes of text\n",
	    c.mails, c.texts, c.bytes);
	if (fclose(stdout) == EOF) {
		fprintf(stderr, "floor: cannot write output: %s\n",
		    strerror(errno));
		return 74;
	}
	return status;
}
