#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
layers - libzone's files call each other in one direction only.

Reads `nm` of every object of the static libzone, draws an arrow from a file
to each file that defines a symbol it uses, and checks (TAP on stdout):
  - there is no cycle among the files;
  - every arrow points down the layers below (a file may use files of its
    own layer or of lower ones), which is the order DESIGN.md states:
    the verbs -> runtime -> monitor -> first process -> steps ->
    net/cgroup/rootfs/... -> store -> base;
  - every object of the library is in some layer (a new file must be placed).

Usage: layers.py NM ARCHIVE (the static libzone)
"""
import collections
import os
import subprocess
import sys

LAYERS = [
    ("verbs", ["api", "api_config", "api_runtime", "api_move"]),
    ("requests", ["request"]),
    ("lifecycle", ["install", "login", "clone", "attach", "transfer"]),
    ("observe", ["observe"]),
    ("runtime", ["runtime"]),
    ("monitor", ["monitor"]),
    ("first process", ["zoneproc"]),
    ("steps", ["step"]),
    ("host checks, streams", ["manifest", "verify", "stream"]),
    ("host parts", ["rootfs", "net", "cgroup", "devices", "policy", "kzone", "arch", "tree", "roots"]),
    ("store", ["store", "brand", "config", "state"]),
    ("base", ["util", "sys", "error", "name", "wire"]),
]


def main():
    nm, archive = sys.argv[1], sys.argv[2]
    level = {f: i for i, (_, files) in enumerate(LAYERS) for f in files}
    defs, uses = {}, collections.defaultdict(set)
    names = []
    out = subprocess.run([nm, archive], capture_output=True, text=True, check=True).stdout
    f = None
    for line in out.splitlines():
        if line.endswith(".o:"):
            f = line[:-1]
            f = os.path.basename(f)
            f = f[:-4] if f.endswith(".c.o") else os.path.splitext(f)[0]
            names.append(f)
            continue
        p = line.split()
        if f is None:
            continue
        if len(p) == 3 and p[1] in "TDBRV":
            defs[p[2]] = f
        elif len(p) == 2 and p[0] == "U":
            uses[f].add(p[1])
    graph = collections.defaultdict(set)
    for f, us in uses.items():
        for u in us:
            if u in defs and defs[u] != f:
                graph[f].add(defs[u])

    n = 0
    failures = []

    def check(ok, what, detail=""):
        nonlocal n
        n += 1
        print(("ok %d - %s" if ok else "not ok %d - %s") % (n, what))
        if not ok and detail:
            for l in detail.splitlines():
                print("# " + l)

    unplaced = sorted(f for f in names if f not in level)
    check(not unplaced, "every libzone file has a layer", "not placed: " + " ".join(unplaced))

    # cycles: Tarjan's strongly connected components
    index, low, stack, on, sccs = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in sorted(names):
        if v not in index:
            visit(v)
    check(not sccs, "no cycle among libzone's files",
          "\n".join("cycle: " + " <-> ".join(c) for c in sccs))

    up = []
    for f in sorted(graph):
        for g in sorted(graph[f]):
            if f in level and g in level and level[g] < level[f]:
                up.append("%s (%s) -> %s (%s)" % (f, LAYERS[level[f]][0], g, LAYERS[level[g]][0]))
    check(not up, "every call goes down the layers", "\n".join(up))
    for f in sorted(graph):
        print("# %s -> %s" % (f, " ".join(sorted(graph[f]))))
    print("1..%d" % n)


if __name__ == "__main__":
    main()
