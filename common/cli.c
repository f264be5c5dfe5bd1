/*
 * cli.c - the command side: messages in one voice, progress, stdout close.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <signal.h>

#include "cli.h"
#include "config.h"
#include "envelope.h"

const char *owi_progname = "owi";
static int write_errno;		/* the first write error on stdout */
static int progress_shown;
static time_t progress_last;

void
owi_cli_init(const char *argv0)
{
	const char *slash;

	/* A closed pipe is a write error to report (EPIPE), not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (argv0 != NULL && *argv0 != '\0') {
		slash = strrchr(argv0, '/');
		owi_progname = slash != NULL ? slash + 1 : argv0;
	}
}

static void
vwarn(int errnum, const char *fmt, va_list ap)
{
	owi_progress_done();
	fprintf(stderr, "%s: ", owi_progname);
	vfprintf(stderr, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
owi_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(0, fmt, ap);
	va_end(ap);
}

void
owi_warn(const char *fmt, ...)
{
	va_list ap;
	int errnum = errno;

	va_start(ap, fmt);
	vwarn(errnum, fmt, ap);
	va_end(ap);
}

void
owi_print_version(void)
{
	printf("%s (owi) %s\n", owi_progname, OWI_VERSION);
}

void
owi_progress(unsigned long n, const char *what)
{
	time_t now;

	if (!isatty(STDERR_FILENO))
		return;
	/* Once a second is enough for a human and costs nothing. */
	now = time(NULL);
	if (progress_shown && now == progress_last)
		return;
	progress_last = now;
	progress_shown = 1;
	fprintf(stderr, "\r%s: %lu %s", owi_progname, n, what);
	fflush(stderr);
}

void
owi_progress_done(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

int
owi_close_stdout(void)
{
	int bad;

	owi_progress_done();
	bad = ferror(stdout) || write_errno != 0;
	errno = 0;
	if (fflush(stdout) != 0 && write_errno == 0)
		write_errno = errno, bad = 1;
	if (fclose(stdout) != 0 && write_errno == 0)
		write_errno = errno, bad = 1;
	if (bad) {
		errno = write_errno != 0 ? write_errno : EIO;
		owi_warn("write error on standard output");
		return EX_IOERR;
	}
	return 0;
}

int
owi_write_envelope(json_object *env, int pretty)
{
	if (owi_envelope_write(stdout, env, pretty) == 0)
		return 0;
	if (write_errno == 0)
		write_errno = errno != 0 ? errno : EIO;
	return -1;
}

static int
each_in(FILE *fp, const char *name, owi_envelope_fn fn, void *arg, int *bad)
{
	struct owi_jsonl *r = owi_jsonl_open(fp, name);
	struct owi_diag d;
	json_object *env;
	char msg[1024];
	int rc, stop = 0;

	if (r == NULL) {
		owi_warn("cannot read '%s'", name);
		return EX_OSERR;
	}
	while ((rc = owi_jsonl_next(r, &env, &d)) != 0) {
		if (rc < 0) {
			owi_diag_format(&d, msg, sizeof(msg));
			owi_warnx("%s", msg);
			if (rc == -2)
				break;
			*bad = 1;
			continue;
		}
		stop = fn(env, name, owi_jsonl_line(r), arg);
		json_object_put(env);
		if (stop)
			break;
	}
	owi_jsonl_close(r);
	return stop ? EX_IOERR : 0;
}

int
owi_each_envelope(int argc, char *argv[], owi_envelope_fn fn, void *arg)
{
	int bad = 0, missing = 0, rc = 0;

	if (argc == 0)
		rc = each_in(stdin, "<stdin>", fn, arg, &bad);
	for (int i = 0; i < argc && rc == 0; i++) {
		FILE *fp;

		if (strcmp(argv[i], "-") == 0) {
			rc = each_in(stdin, "<stdin>", fn, arg, &bad);
			continue;
		}
		if ((fp = fopen(argv[i], "r")) == NULL) {
			owi_warn("cannot open '%s'", argv[i]);
			missing = 1;
			continue;
		}
		rc = each_in(fp, argv[i], fn, arg, &bad);
		fclose(fp);
	}
	if (rc != 0)
		return rc;
	return missing ? EX_NOINPUT : bad ? EX_DATAERR : 0;
}

int
owi_load_rules(const char *dir, struct owi_config *cfg)
{
	struct owi_diag d;
	char msg[1024];

	owi_diag_clear(&d);
	if (owi_config_load(dir, cfg, &d) == 0)
		return 0;
	owi_diag_format(&d, msg, sizeof(msg));
	owi_warnx("%s", msg);
	return EX_CONFIG;
}

/* $VAR/owi/NAME, or ~/FALLBACK/owi/NAME: the XDG base directories. */
static const char *
xdg_path(const char *var, const char *fallback, const char *name, char *buf,
    size_t size)
{
	const char *x = getenv(var), *home = getenv("HOME");

	if (x != NULL && *x != '\0')
		snprintf(buf, size, "%s/owi/%s", x, name);
	else
		snprintf(buf, size, "%s/%s/owi/%s", home ? home : ".", fallback,
		    name);
	return buf;
}

const char *
owi_user_data(const char *name, char *buf, size_t size)
{
	return xdg_path("XDG_DATA_HOME", ".local/share", name, buf, size);
}

const char *
owi_user_cache(const char *name, char *buf, size_t size)
{
	return xdg_path("XDG_CACHE_HOME", ".cache", name, buf, size);
}

int
owi_config_file(char *buf, size_t size, const char **path)
{
	const char *env = getenv("OWI_CONFIG");

	*path = NULL;
	if (env != NULL && *env != '\0') {
		if (access(env, F_OK) != 0) {
			owi_warn("cannot open '%s' ($OWI_CONFIG)", env);
			return -1;
		}
		snprintf(buf, size, "%s", env);
		*path = buf;
		return 0;
	}
	xdg_path("XDG_CONFIG_HOME", ".config", "config.yaml", buf, size);
	if (access(buf, F_OK) == 0)
		*path = buf;
	else if (access("/etc/owi/config.yaml", F_OK) == 0)
		*path = strcpy(buf, "/etc/owi/config.yaml");
	return 0;
}
