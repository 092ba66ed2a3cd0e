// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl stat NAME */
#include <stdio.h>

#include "zonectl.h"

static const char usage[] = "zonectl stat NAME";
static const char body[] =
	"Show a running zone's use of its resources against its caps: CPU time and cap,\n"
	"memory now, peak and cap with the number of times the cap was hit and OOM kills,\n"
	"processes now and cap with the number of refused forks.\n\n"
	"      --json   print the result as JSON (null where there is no cap or counter)\n"
	"  -h, --help   this text\n";

static void num(const char *label, json_t *v, const char *unit)
{
	if (json_is_integer(v))
		printf("  %-12s %lld%s\n", label, (long long)json_integer_value(v), unit);
	else
		printf("  %-12s -\n", label);
}

static void print(json_t *r)
{
	printf("zone %s (%s, id %lld)\n", json_string_value(json_object_get(r, "name")),
	       json_string_value(json_object_get(r, "state")),
	       (long long)json_integer_value(json_object_get(r, "id")));
	json_t *cpu = json_object_get(r, "cpu"), *mem = json_object_get(r, "memory"),
	       *pr = json_object_get(r, "processes");
	puts("cpu:");
	num("time", json_object_get(cpu, "usage_usec"), " us");
	num("cap", json_object_get(cpu, "cap_percent"), "% of one CPU");
	num("throttled", json_object_get(cpu, "throttled"), " periods");
	puts("memory:");
	num("current", json_object_get(mem, "current"), " bytes");
	num("peak", json_object_get(mem, "peak"), " bytes");
	num("cap", json_object_get(mem, "max"), " bytes");
	num("cap hits", json_object_get(mem, "limit_hits"), "");
	num("oom kills", json_object_get(mem, "oom_kills"), "");
	puts("processes:");
	num("current", json_object_get(pr, "current"), "");
	num("cap", json_object_get(pr, "max"), "");
	num("cap hits", json_object_get(pr, "limit_hits"), "");
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(r, "network"), i, l)
		printf("net %s:\n  rx           %lld bytes, %lld packets\n"
		       "  tx           %lld bytes, %lld packets\n",
		       json_string_value(json_object_get(l, "name")),
		       (long long)json_integer_value(json_object_get(l, "rx_bytes")),
		       (long long)json_integer_value(json_object_get(l, "rx_packets")),
		       (long long)json_integer_value(json_object_get(l, "tx_bytes")),
		       (long long)json_integer_value(json_object_get(l, "tx_packets")));
}

COMMAND(stat)
{
	return zctl_name_command(argc, argv, "stat", usage, body, print);
}
