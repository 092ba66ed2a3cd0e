// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * net.c - zone networking through libnl-3 (no `ip` binary anywhere).
 *
 * Theory:
 *   none       the zone has its own network namespace with loopback only.
 *   shared     the zone uses the host's stack; the runtime removes
 *              CAP_NET_ADMIN and CAP_NET_RAW from it (runtime.c).
 *   exclusive  for each net[] entry, a veth pair: the zone's end is born in
 *              the zone's namespace with its final name (eth0), MAC and MTU
 *              (IFLA_NET_NS_FD on the peer: no rename, no window where it
 *              sits in the host's namespace); the host's end, named
 *              z<hash>.<n> (zone and store hashed into 7 hex digits so it
 *              fits IFNAMSIZ and two stores never collide), joins the bridge
 *              and comes up.  Inside, through a netlink socket opened in the
 *              zone's namespace, the monitor adds the addresses (IPv6
 *              without DAD), brings the link up and adds the default route.
 *   Checks (zone_net_check_host, and verify.c for other zones) run before
 *   anything is created: the bridge
 *   exists and is a bridge, the MTU fits it, no running zone on that
 *   bridge has the same address, no host interface already has our names.
 *   The host end always takes the bridge's MTU: one zone's config must
 *   not shrink a bridge that others (and the host) use.
 *   Teardown deletes the host ends by name; the zone's ends go with its
 *   namespace (deleting one end of a veth deletes both).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "runtime.h"
#include "util.h"

static uint32_t fnv(const char *a, const char *b)
{
	uint32_t h = 2166136261u;
	for (const char *s = a; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	h ^= 0xff;
	h *= 16777619u;
	for (const char *s = b; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

char *zone_net_host_ifname(const char *root, const char *zone, size_t index)
{
	return zone_strdup_printf("z%07x.%zu", fnv(root, zone) & 0xfffffff, index);
}

/* A stable, locally administered unicast MAC from the store, zone name and index. */
void zone_net_mac(const char *root, const char *zone, size_t index, char out[18])
{
	char idx[16];
	snprintf(idx, sizeof(idx), "%zu", index);
	uint32_t a = fnv(zone, idx) ^ fnv(root, NULL), b = fnv(idx, zone);
	snprintf(out, 18, "02:%02x:%02x:%02x:%02x:%02x", a >> 24 & 0xff, a >> 16 & 0xff,
		 a >> 8 & 0xff, a & 0xff, b & 0xff);
}

static struct nl_sock *open_rtnl(struct zone_error *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	if (!sk) {
		zone_error_set(err, ENOMEM, "netlink: out of memory");
		return NULL;
	}
	int r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(sk);
		zone_error_set(err, EIO, "netlink: connect: %s", nl_geterror(r));
		return NULL;
	}
	return sk;
}

/* The host part of "10.0.0.2/24" (for comparing addresses across zones). */
static bool host_part(const char *cidr, char *out, size_t len)
{
	const char *slash = strchr(cidr, '/');
	size_t n = slash ? (size_t)(slash - cidr) : strlen(cidr);
	if (n >= len)
		return false;
	memcpy(out, cidr, n);
	out[n] = '\0';
	unsigned char buf[16];
	int fam = strchr(out, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(fam, out, buf) != 1)
		return false;
	inet_ntop(fam, buf, out, (socklen_t)len); /* canonical form */
	return true;
}

bool zone_net_same_address(const char *cidr_a, const char *cidr_b)
{
	char a[64], b[64];
	return host_part(cidr_a, a, sizeof(a)) && host_part(cidr_b, b, sizeof(b)) && !strcmp(a, b);
}

int zone_net_check_host(const char *root, const struct zone_config *c, bool running,
			struct zone_error *err)
{
	if (c->ip_type != ZONE_IP_EXCLUSIVE || c->n_net == 0)
		return 0;
	struct nl_sock *sk = open_rtnl(err);
	if (!sk)
		return -err->code;
	int r = 0;
	for (size_t i = 0; i < c->n_net && r == 0; i++) {
		const struct zone_net *n = &c->net[i];
		if (!n->bridge) {
			r = zone_error_set(err, EINVAL, "net[%zu].bridge: missing (an exclusive-IP "
					   "zone's interface joins a host bridge)", i);
			break;
		}
		struct rtnl_link *br = NULL;
		if (rtnl_link_get_kernel(sk, 0, n->bridge, &br) < 0) {
			r = zone_error_set(err, ENODEV, "net[%zu].bridge: \"%s\": no such interface on "
					   "the host", i, n->bridge);
			break;
		}
		const char *type = rtnl_link_get_type(br);
		if (!type || strcmp(type, "bridge") != 0)
			r = zone_error_set(err, EINVAL, "net[%zu].bridge: \"%s\": not a bridge (it is "
					   "%s)", i, n->bridge, type ? type : "a plain device");
		else if (n->mtu && n->mtu > rtnl_link_get_mtu(br))
			/* the bridge must not shrink for one zone: the host end keeps its MTU */
			r = zone_error_set(err, EINVAL, "net[%zu].mtu: %u: larger than bridge %s's "
					   "MTU %u", i, n->mtu, n->bridge, rtnl_link_get_mtu(br));
		rtnl_link_put(br);
		/* a running zone's own host ends are not someone else's */
		_cleanup_free_ char *host = zone_net_host_ifname(root, c->name, i);
		struct rtnl_link *old = NULL;
		if (r == 0 && host && !running && rtnl_link_get_kernel(sk, 0, host, &old) == 0) {
			rtnl_link_put(old);
			r = zone_error_set(err, EEXIST, "net[%zu]: the host already has an interface "
					   "named %s (a zone that did not clean up?)", i, host);
		}
	}
	nl_socket_free(sk);
	return r;
}

static int nlerr(struct zone_error *err, int r, const char *what, const char *name)
{
	return zone_error_set(err, EIO, "%s %s: %s", what, name, nl_geterror(r));
}

/* Run fn in the network namespace `target` (a descriptor); ours is restored. */
static int in_netns_fd(int target, int (*fn)(void *, struct zone_error *), void *arg,
		       struct zone_error *err)
{
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return zone_error_errno(err, errno, "open /proc/self/ns/net");
	if (setns(target, CLONE_NEWNET) < 0)
		return zone_error_errno(err, errno, "enter the zone's network namespace");
	int r = fn(arg, err);
	if (setns(self, CLONE_NEWNET) < 0 && r >= 0)
		r = zone_error_errno(err, errno, "leave the zone's network namespace");
	return r;
}

/* The same, in the network namespace of pid. */
static int in_netns(pid_t pid, int (*fn)(void *, struct zone_error *), void *arg,
		    struct zone_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	_cleanup_close_ int target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0)
		return zone_error_errno(err, errno, "open %s", path);
	return in_netns_fd(target, fn, arg, err);
}

struct inside {
	const struct zone_config *c;
};

static int add_default_route(struct nl_sock *sk, int ifindex, const char *gateway,
			     struct zone_error *err)
{
	struct nl_addr *gw = NULL, *dst = NULL;
	int fam = strchr(gateway, ':') ? AF_INET6 : AF_INET;
	int r = nl_addr_parse(gateway, fam, &gw);
	if (r < 0)
		return nlerr(err, r, "gateway", gateway);
	dst = nl_addr_build(fam, NULL, 0);
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	if (!dst || !rt || !nh) {
		nl_addr_put(gw);
		nl_addr_put(dst);
		rtnl_route_put(rt);
		rtnl_route_nh_free(nh);
		return zone_error_set(err, ENOMEM, "netlink: out of memory");
	}
	nl_addr_set_prefixlen(dst, 0);
	rtnl_route_set_family(rt, (uint8_t)fam);
	rtnl_route_set_dst(rt, dst);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_STATIC);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(rt, nh);
	r = rtnl_route_add(sk, rt, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_route_put(rt);
	nl_addr_put(gw);
	nl_addr_put(dst);
	return r < 0 ? nlerr(err, r, "default route via", gateway) : 0;
}

static int configure_inside(void *arg, struct zone_error *err)
{
	const struct zone_config *c = ((struct inside *)arg)->c;
	struct nl_sock *sk = open_rtnl(err);
	if (!sk)
		return -err->code;
	int r = 0;
	for (size_t i = 0; i < c->n_net && r == 0; i++) {
		const struct zone_net *n = &c->net[i];
		struct rtnl_link *link = NULL, *change = rtnl_link_alloc();
		if ((r = rtnl_link_get_kernel(sk, 0, n->name, &link)) < 0) {
			rtnl_link_put(change);
			r = nlerr(err, r, "find the zone's interface", n->name);
			break;
		}
		int ifindex = rtnl_link_get_ifindex(link);
		if (n->address) {
			struct rtnl_addr *a = rtnl_addr_alloc();
			struct nl_addr *local = NULL;
			int fam = strchr(n->address, ':') ? AF_INET6 : AF_INET;
			if ((r = nl_addr_parse(n->address, fam, &local)) < 0) {
				r = nlerr(err, r, "address", n->address);
			} else {
				rtnl_addr_set_ifindex(a, ifindex);
				rtnl_addr_set_local(a, local);
				if (fam == AF_INET6) /* usable at once, no duplicate detection wait */
					rtnl_addr_set_flags(a, IFA_F_NODAD);
				if ((r = rtnl_addr_add(sk, a, 0)) < 0)
					r = nlerr(err, r, "add address", n->address);
				nl_addr_put(local);
			}
			rtnl_addr_put(a);
		}
		if (r == 0) {
			rtnl_link_set_flags(change, IFF_UP);
			if ((r = rtnl_link_change(sk, link, change, 0)) < 0)
				r = nlerr(err, r, "bring up", n->name);
		}
		if (r == 0 && n->gateway)
			r = add_default_route(sk, ifindex, n->gateway, err);
		rtnl_link_put(change);
		rtnl_link_put(link);
		if (r < 0)
			zone_error_wrap(err, "net[%zu] inside the zone", i);
	}
	nl_socket_free(sk);
	return r;
}

/* In a new network namespace (the caller is in it, with the zone's
 * credentials): lo up. */
int zone_net_loopback_up(struct zone_error *err)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return zone_error_errno(err, errno, "bring up lo: socket");
	struct ifreq ifr = { 0 };
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return zone_error_errno(err, errno, "bring up lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return zone_error_errno(err, errno, "bring up lo");
	return 0;
}

int zone_net_setup(const char *root, const struct zone_config *c, int netns,
		   struct zone_error *err)
{
	if (c->ip_type != ZONE_IP_EXCLUSIVE || c->n_net == 0)
		return 0;
	struct nl_sock *sk = open_rtnl(err);
	if (!sk)
		return -err->code;
	int r = 0;
	for (size_t i = 0; i < c->n_net && r == 0; i++) {
		const struct zone_net *n = &c->net[i];
		_cleanup_free_ char *host = zone_net_host_ifname(root, c->name, i);
		struct rtnl_link *br = NULL;
		if ((r = rtnl_link_get_kernel(sk, 0, n->bridge, &br)) < 0) {
			r = nlerr(err, r, "find the bridge", n->bridge);
			break;
		}
		struct rtnl_link *veth = rtnl_link_veth_alloc();
		struct rtnl_link *peer = veth ? rtnl_link_veth_get_peer(veth) : NULL;
		struct nl_addr *mac = NULL;
		char macs[18];
		if (n->mac)
			snprintf(macs, sizeof(macs), "%s", n->mac);
		else
			zone_net_mac(root, c->name, i, macs);
		if (!peer || nl_addr_parse(macs, AF_LLC, &mac) < 0) {
			r = zone_error_set(err, ENOMEM, "net[%zu]: cannot build the veth pair", i);
		} else {
			rtnl_link_set_name(veth, host);
			rtnl_link_set_name(peer, n->name);
			rtnl_link_set_addr(peer, mac);
			rtnl_link_set_ns_fd(peer, netns);
			/*
			 * The host end takes the bridge's MTU, so a zone cannot shrink
			 * the bridge (and with it drop the host's IPv6 on it); the
			 * zone's end takes the configured one (at most the bridge's).
			 */
			rtnl_link_set_mtu(veth, rtnl_link_get_mtu(br));
			rtnl_link_set_mtu(peer, n->mtu ? n->mtu : rtnl_link_get_mtu(br));
			if ((r = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL)) < 0)
				r = nlerr(err, r, "create the veth pair", host);
		}
		nl_addr_put(mac);
		if (peer)
			rtnl_link_put(peer);
		if (veth)
			rtnl_link_veth_release(veth);
		/* The host end joins the bridge and comes up. */
		struct rtnl_link *h = NULL, *change = NULL;
		if (r == 0 && (r = rtnl_link_get_kernel(sk, 0, host, &h)) < 0)
			r = nlerr(err, r, "find", host);
		if (r == 0) {
			change = rtnl_link_alloc();
			rtnl_link_set_master(change, rtnl_link_get_ifindex(br));
			rtnl_link_set_flags(change, IFF_UP);
			if ((r = rtnl_link_change(sk, h, change, 0)) < 0)
				r = nlerr(err, r, "attach to the bridge", host);
		}
		rtnl_link_put(change);
		rtnl_link_put(h);
		rtnl_link_put(br);
		if (r < 0)
			zone_error_wrap(err, "net[%zu]", i);
	}
	nl_socket_free(sk);
	if (r < 0)
		return r;
	struct inside in = { .c = c };
	return in_netns_fd(netns, configure_inside, &in, err);
}

void zone_net_teardown(const char *root, const char *zone, size_t n)
{
	struct zone_error err = { 0 };
	struct nl_sock *sk = open_rtnl(&err);
	if (!sk)
		return;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *host = zone_net_host_ifname(root, zone, i);
		struct rtnl_link *l = rtnl_link_alloc();
		if (host && l) {
			rtnl_link_set_name(l, host);
			rtnl_link_delete(sk, l); /* gone already (namespace died first) is fine */
		}
		rtnl_link_put(l);
	}
	nl_socket_free(sk);
}

/* ---- zonectl net / stat: what the zone's interfaces look like ------------------------ */

struct dump {
	json_t *out;
};

static void link_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_link *l = (struct rtnl_link *)obj;
	json_t *links = arg;
	char mac[32] = "";
	struct nl_addr *a = rtnl_link_get_addr(l);
	if (a)
		nl_addr2str(a, mac, sizeof(mac));
	json_array_append_new(links, json_pack(
		"{s:s,s:i,s:s,s:b,s:i,s:I,s:I,s:I,s:I,s:[]}",
		"name", rtnl_link_get_name(l), "index", rtnl_link_get_ifindex(l), "mac", mac,
		"up", (rtnl_link_get_flags(l) & IFF_UP) != 0, "mtu", (int)rtnl_link_get_mtu(l),
		"rx_bytes", (json_int_t)rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES),
		"rx_packets", (json_int_t)rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS),
		"tx_bytes", (json_int_t)rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES),
		"tx_packets", (json_int_t)rtnl_link_get_stat(l, RTNL_LINK_TX_PACKETS),
		"addresses"));
}

static void addr_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	json_t *links = arg;
	char buf[128];
	struct nl_addr *local = rtnl_addr_get_local(a);
	if (!local)
		return;
	nl_addr2str(local, buf, sizeof(buf));
	size_t i;
	json_t *l;
	json_array_foreach(links, i, l)
		if (json_integer_value(json_object_get(l, "index")) == rtnl_addr_get_ifindex(a))
			json_array_append_new(json_object_get(l, "addresses"), json_string(buf));
}

static void route_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_route *rt = (struct rtnl_route *)obj;
	json_t *routes = arg;
	if (rtnl_route_get_table(rt) != RT_TABLE_MAIN)
		return;
	char dst[128] = "", gw[128] = "";
	struct nl_addr *d = rtnl_route_get_dst(rt);
	if (d && nl_addr_get_prefixlen(d) == 0)
		snprintf(dst, sizeof(dst), "default");
	else if (d)
		nl_addr2str(d, dst, sizeof(dst));
	if (rtnl_route_get_nnexthops(rt) > 0) {
		struct nl_addr *g = rtnl_route_nh_get_gateway(rtnl_route_nexthop_n(rt, 0));
		if (g)
			nl_addr2str(g, gw, sizeof(gw));
	}
	json_array_append_new(routes, json_pack("{s:s,s:s?}", "destination", dst, "gateway",
						*gw ? gw : NULL));
}

static int dump_inside(void *arg, struct zone_error *err)
{
	json_t *out = ((struct dump *)arg)->out;
	struct nl_sock *sk = open_rtnl(err);
	if (!sk)
		return -err->code;
	struct nl_cache *links = NULL, *addrs = NULL, *routes = NULL;
	int r;
	if ((r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links)) < 0 ||
	    (r = rtnl_addr_alloc_cache(sk, &addrs)) < 0 ||
	    (r = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &routes)) < 0) {
		r = nlerr(err, r, "dump", "the zone's interfaces");
	} else {
		json_t *l = json_array(), *rt = json_array();
		nl_cache_foreach(links, link_cb, l);
		nl_cache_foreach(addrs, addr_cb, l);
		nl_cache_foreach(routes, route_cb, rt);
		json_object_set_new(out, "interfaces", l);
		json_object_set_new(out, "routes", rt);
	}
	nl_cache_free(links);
	nl_cache_free(addrs);
	nl_cache_free(routes);
	nl_socket_free(sk);
	return r < 0 ? r : 0;
}

int zone_net_dump(pid_t init, json_t **out, struct zone_error *err)
{
	json_t *o = json_object();
	struct dump d = { .out = o };
	int r = in_netns(init, dump_inside, &d, err);
	if (r < 0) {
		json_decref(o);
		return r;
	}
	*out = o;
	return 0;
}
