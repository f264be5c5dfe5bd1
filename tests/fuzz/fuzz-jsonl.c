/*
 * fuzz-jsonl - libFuzzer entry point for the JSON Lines reader: any bytes,
 * read line by line, give envelopes or diagnostics, never a crash.
 */
#include <stdint.h>
#include <stdio.h>

#include "envelope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	FILE *fp = fmemopen((void *)data, len, "r");
	struct owi_jsonl *r;
	struct owi_diag d;
	json_object *env;
	int rc;

	if (fp == NULL)
		return 0;
	if ((r = owi_jsonl_open(fp, "<fuzz>")) != NULL) {
		while ((rc = owi_jsonl_next(r, &env, &d)) != 0 && rc != -2)
			if (rc > 0)
				json_object_put(env);
		owi_jsonl_close(r);
	}
	fclose(fp);
	return 0;
}
