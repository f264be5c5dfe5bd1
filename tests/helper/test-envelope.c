/*
 * test-envelope - the envelope reader and writer as a program: reads
 * envelopes (files or stdin) and writes them back, as every owi program
 * that reads JSON does.  For tests/envelope.bats.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "envelope.h"

static int
echo(json_object *env, const char *file, long line, void *arg)
{
	int *pretty = arg;

	(void)file;
	(void)line;

	return owi_write_envelope(env, *pretty) != 0;
}

int
main(int argc, char *argv[])
{
	int pretty = 0, status;

	owi_cli_init(argv[0]);
	if (argc > 1 && strcmp(argv[1], "--pretty") == 0)
		pretty = 1, argc--, argv++;
	status = owi_each_envelope(argc - 1, argv + 1, echo, &pretty);
	if (owi_close_stdout() != 0)
		return EX_IOERR;
	return status;
}
