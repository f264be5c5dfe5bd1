/*
 * fuzz-rules - libFuzzer entry point for the rules loaders: any bytes as a
 * rules.d file load, or fail with a diagnostic, never a crash or a leak;
 * rules that load route an envelope.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "envelope.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char dir[64];
	char path[128];
	struct owi_config c;
	struct owi_diag d;
	FILE *fp;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/owi-fuzz-rules.XXXXXX");
		if (mkdtemp(dir) == NULL)
			return 0;
	}
	snprintf(path, sizeof(path), "%s/00-fuzz.yaml", dir);
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, len, fp);
	fclose(fp);
	if (owi_config_load(dir, &c, &d) == 0) {
		struct owi_problems p;
		struct owi_rules *r = owi_rules_load(dir, &c, &p);

		if (r != NULL) {
			json_object *env = json_tokener_parse("{\"owi\":1,\"id\":\"f\","
			    "\"message\":{\"date\":\"2025-10-07T10:00:00+02:00\"},"
			    "\"classification\":{\"motives\":[{\"id\":\"other\","
			    "\"score\":0.9,\"sure\":true}]},\"shop\":{\"orders\":[]}}");

			json_object_put(owi_route(r, env, 0));
			json_object_put(env);
			owi_rules_free(r);
		}
		owi_problems_free(&p);
		owi_config_free(&c);
	}
	return 0;
}
