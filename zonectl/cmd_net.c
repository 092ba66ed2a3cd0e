// SPDX-License-Identifier: GPL-2.0-or-later
/* zonectl net NAME */
#include <stdio.h>

#include "zonectl.h"

static const char usage[] = "zonectl net NAME";
static const char body[] =
	"Show a running zone's network as the zone sees it: each interface with its MAC\n"
	"address, MTU, state, addresses and traffic counters, and the routing table.\n"
	"A shared-IP zone uses the host's stack and shows nothing of its own.\n\n"
	"      --json   print the result as JSON\n"
	"  -h, --help   this text\n";

static void print(json_t *r)
{
	size_t i, k;
	json_t *l, *a;
	json_array_foreach(json_object_get(r, "interfaces"), i, l) {
		printf("%s: %s mtu %lld %s\n", json_string_value(json_object_get(l, "name")),
		       json_is_true(json_object_get(l, "up")) ? "UP" : "DOWN",
		       (long long)json_integer_value(json_object_get(l, "mtu")),
		       json_string_value(json_object_get(l, "mac")));
		json_array_foreach(json_object_get(l, "addresses"), k, a)
			printf("    inet %s\n", json_string_value(a));
		printf("    rx %lld bytes %lld packets, tx %lld bytes %lld packets\n",
		       (long long)json_integer_value(json_object_get(l, "rx_bytes")),
		       (long long)json_integer_value(json_object_get(l, "rx_packets")),
		       (long long)json_integer_value(json_object_get(l, "tx_bytes")),
		       (long long)json_integer_value(json_object_get(l, "tx_packets")));
	}
	json_array_foreach(json_object_get(r, "routes"), i, l) {
		const char *gw = json_string_value(json_object_get(l, "gateway"));
		printf("route %s%s%s\n", json_string_value(json_object_get(l, "destination")),
		       gw ? " via " : "", gw ? gw : "");
	}
}

COMMAND(net)
{
	return zctl_name_command(argc, argv, "net", usage, body, print);
}
