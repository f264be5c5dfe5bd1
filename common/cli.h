/*
 * cli.h - the command side of owi: program name, one error voice,
 * sysexits, progress, a checked close of stdout.
 *
 * This is the only part of common/ that prints or reads the process
 * state; only main() and the static helpers of cmd/ call it.
 */
#ifndef OWI_CLI_H
#define OWI_CLI_H

#include <stdio.h>
#include <sysexits.h>

#include <json-c/json.h>

#ifndef OWI_VERSION
#define OWI_VERSION "0.0.0"
#endif

extern const char *owi_progname;

void owi_cli_init(const char *argv0);
void owi_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void owi_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void owi_print_version(void);

/* Progress on stderr, only when stderr is a terminal: "prog: N mails". */
void owi_progress(unsigned long n, const char *what);
void owi_progress_done(void);

/*
 * The input loop of every program that reads envelopes: each file of
 * argv ("-" or none: standard input), line by line.  A bad line is
 * reported as "prog: file:line: invalid JSON at byte N: reason" and
 * skipped.  fn returns 0 to go on, nonzero to stop (a write error).
 * Returns the exit status: 0, EX_DATAERR when a line was bad, EX_NOINPUT
 * when a file could not be opened, EX_IOERR when fn stopped the loop.
 */
typedef int (*owi_envelope_fn)(json_object *env, const char *file, long line,
    void *arg);
int owi_each_envelope(int argc, char *argv[], owi_envelope_fn fn, void *arg);

/* Writes env on stdout (envelope.h), remembering the first error for
 * owi_close_stdout.  Returns 0 or -1. */
int owi_write_envelope(json_object *env, int pretty);

struct owi_config;
/* Loads the rules directory; on error says so (file:line:col) and
 * returns EX_CONFIG, else 0. */
int owi_load_rules(const char *dir, struct owi_config *cfg);

/* $XDG_DATA_HOME/owi/NAME (or ~/.local/share/owi/NAME) into buf. */
const char *owi_user_data(const char *name, char *buf, size_t size);
/* $XDG_CACHE_HOME/owi/NAME (or ~/.cache/owi/NAME) into buf. */
const char *owi_user_cache(const char *name, char *buf, size_t size);

/*
 * The configuration file of DESIGN's order: $OWI_CONFIG (which must
 * exist), else $XDG_CONFIG_HOME/owi/config.yaml, else
 * /etc/owi/config.yaml, the first that exists; NULL when there is none.
 * Returns -1 (and says so) when $OWI_CONFIG names a missing file.
 */
int owi_config_file(char *buf, size_t size, const char **path);

/* Flushes and closes stdout; a write error (EPIPE, ENOSPC) is reported.
 * Returns 0, or EX_IOERR. */
int owi_close_stdout(void);

#endif
