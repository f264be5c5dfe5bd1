/*
 * fuzz-mime - libFuzzer entry point for the MIME parser: any bytes must
 * give an envelope whose JSON reads back, without a sanitizer report.
 * make fuzz builds it; run: build-fuzz/fuzz-mime -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>

#include "envelope.h"
#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int ready;
	static struct owi_parse_opts o;
	json_object *env, *msg;

	if (!ready) {
		owi_mime_init();
		owi_parse_opts_default(&o);
		o.timeout_ms = 1000;
		ready = 1;
	}
	env = owi_envelope_new("fuzz");
	msg = owi_mime_message((const char *)data, len, &o, env);
	json_object_object_add(env, "message", msg);
	/* The writer must cope with whatever the parser made. */
	FILE *null = fopen("/dev/null", "w");

	if (null != NULL) {
		owi_envelope_write(null, env, 0);
		fclose(null);
	}
	json_object_put(env);
	return 0;
}
