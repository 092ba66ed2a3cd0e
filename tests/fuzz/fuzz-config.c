// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-config.c - libFuzzer target for the zone.json parser.
 *
 * Invariants checked on every input (abort() marks a finding):
 *  - a refused input fills the error: a code, and a one-line message that
 *    starts with the origin and holds printable ASCII only (messages reach
 *    terminals; hostile bytes must arrive escaped);
 *  - an accepted input serializes (zone_config_to_json), and the serialized
 *    text parses again to a config that serializes identically: what the
 *    library writes, it reads back, unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_message(const struct zone_error *err, const char *origin)
{
	if (err->code <= 0 || !err->msg[0]) {
		fprintf(stderr, "refused without an error code or message\n");
		abort();
	}
	size_t n = strlen(origin);
	if (strncmp(err->msg, origin, n) != 0 || strncmp(err->msg + n, ": ", 2) != 0) {
		fprintf(stderr, "message does not start with \"%s: \": %s\n", origin, err->msg);
		abort();
	}
	for (const unsigned char *c = (const unsigned char *)err->msg; *c; c++)
		if (*c < 0x20 || *c >= 0x7f) {
			fprintf(stderr, "byte 0x%02x in message: %s\n", *c, err->msg);
			abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zone_error err = { 0 };
	struct zone_config *c = NULL, *c2 = NULL;

	if (zone_config_parse((const char *)data, size, "fuzz.json", &c, &err) < 0) {
		if (c) {
			fprintf(stderr, "refused but *out was set\n");
			abort();
		}
		check_message(&err, "fuzz.json");
		return 0;
	}

	json_t *j1 = zone_config_to_json(c);
	char *text = j1 ? json_dumps(j1, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!text) {
		fprintf(stderr, "an accepted config does not serialize\n");
		abort();
	}
	zone_error_clear(&err);
	if (zone_config_parse(text, strlen(text), "round-trip.json", &c2, &err) < 0) {
		fprintf(stderr, "serialized config refused: %s\n%s\n", err.msg, text);
		abort();
	}
	json_t *j2 = zone_config_to_json(c2);
	if (!json_equal(j1, j2)) {
		char *t2 = json_dumps(j2, JSON_COMPACT | JSON_SORT_KEYS);
		fprintf(stderr, "round trip changed the config:\n%s\n%s\n", text, t2 ? t2 : "?");
		abort();
	}

	json_decref(j2);
	json_decref(j1);
	free(text);
	zone_config_free(c2);
	zone_config_free(c);
	return 0;
}
