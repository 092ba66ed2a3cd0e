# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile zone streams for streams.bats, made by editing a real one.

A stream (libzone/stream.c) is a pax archive: zone/manifest.json,
zone/config.json, root and root/..., zone/digest.json.  Stream.load() reads
the uncompressed output of a real `zonectl send --compress none`; a test
edits its members and writes it again.  The archive is serialized here
member by member (TarInfo.tobuf, pax), not through tarfile's writer, so that
a stream can also be generated lazily (a million headers are never held in
memory or written to disk), cut anywhere, and compressed by frames (the zstd
bomb).  Nothing is recomputed behind a test's back: the digest trailer stays
what the real sender wrote unless a test replaces it.
"""
import json
import os
import subprocess
import sys
import tarfile

BLOCK = 512


def pad(n):
    return b"\0" * (-n % BLOCK)


def entry(name, kind="file", data=b"", mode=None, linkname="", uid=0, gid=0,
          devmajor=0, devminor=0, size=None, mtime=1700000000):
    """A member: kind is file, dir, symlink, hardlink, chr, blk or fifo."""
    types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
             "hardlink": tarfile.LNKTYPE, "chr": tarfile.CHRTYPE, "blk": tarfile.BLKTYPE,
             "fifo": tarfile.FIFOTYPE}
    ti = tarfile.TarInfo(name)
    ti.type = types[kind]
    ti.mode = mode if mode is not None else (0o755 if kind == "dir" else 0o644)
    ti.linkname = linkname
    ti.uid, ti.gid = uid, gid
    ti.uname = ti.gname = ""
    ti.devmajor, ti.devminor = devmajor, devminor
    ti.mtime = mtime
    if kind == "file":
        ti.size = len(data) if size is None else size
        return [ti, data]
    ti.size = 0
    return [ti, None]


def sparse_entry(name, size, regions=()):
    """A regular file of `size` bytes, a hole but for `regions` [(offset, data)], in the
    pax sparse format 1.0 that libarchive writes and reads (GNU.sparse.*): the map
    in decimal lines ahead of the data, the member's size the map's and the data's."""
    mp = ("%d\n" % len(regions) + "".join("%d\n%d\n" % (o, len(d)) for o, d in regions)).encode()
    data = mp + pad(len(mp)) + b"".join(d for _, d in regions)
    ti = tarfile.TarInfo("root/GNUSparseFile.0/" + name.rsplit("/", 1)[-1])
    ti.mode, ti.mtime, ti.uname, ti.gname = 0o644, 1700000000, "", ""
    ti.pax_headers = {"GNU.sparse.major": "1", "GNU.sparse.minor": "0",
                      "GNU.sparse.name": name, "GNU.sparse.realsize": str(size)}
    return [ti, data]


def header(ti):
    return ti.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def member_bytes(ti, data):
    """A member as the archive holds it: header(s), data, padding."""
    if data is None:
        return header(ti)
    ti.size = len(data)
    return header(ti) + data + pad(len(data))


END = b"\0" * (2 * BLOCK)


class Stream:
    def __init__(self, members):
        self.m = members  # [TarInfo, bytes or None]

    @classmethod
    def load(cls, path):
        ms = []
        with tarfile.open(path, "r:") as t:
            for ti in t:
                data = t.extractfile(ti).read() if ti.isreg() else None
                ms.append([ti, data])
        return cls(ms)

    # ---- members ----------------------------------------------------------
    def names(self):
        return [ti.name for ti, _ in self.m]

    def index(self, name):
        return self.names().index(name)

    def get(self, name):
        return self.m[self.index(name)]

    def remove(self, name):
        del self.m[self.index(name)]

    def add(self, *members):
        """Members just before the digest trailer (or at the end if there is none)."""
        names = self.names()
        at = names.index("zone/digest.json") if "zone/digest.json" in names else len(names)
        self.m[at:at] = [list(x) for x in members]

    def root_only(self):
        """Keep the root directory itself, drop what it holds (a small stream)."""
        self.m = [x for x in self.m if not x[0].name.startswith("root/")]
        self.set_root(files=1, bytes=0)

    # ---- the JSON members -------------------------------------------------
    def json(self, name):
        return json.loads(self.get(name)[1])

    def set_json(self, name, value, raw=None):
        x = self.get(name)
        x[1] = raw if raw is not None else json.dumps(value, sort_keys=True).encode()

    @property
    def manifest(self):
        return self.json("zone/manifest.json")

    def set_manifest(self, value=None, raw=None):
        self.set_json("zone/manifest.json", value, raw)

    def edit_manifest(self, fn):
        m = self.manifest
        fn(m)
        self.set_manifest(m)

    def declare(self, files=0, bytes=0):
        """Add to the counts the manifest declares, to keep it consistent with an edit."""
        def f(m):
            m["root"]["files"] += files
            m["root"]["bytes"] += bytes
        self.edit_manifest(f)

    def set_root(self, **kw):
        self.edit_manifest(lambda m: m["root"].update(kw))

    # ---- output -----------------------------------------------------------
    def chunks(self, upto=None):
        for ti, data in self.m[:upto]:
            yield member_bytes(ti, data)

    def tar(self):
        return b"".join(self.chunks()) + END

    def write(self, path, compress="none"):
        data = self.tar()
        if compress == "zstd":
            data = zstd(data)
        elif compress == "gzip":
            import gzip
            data = gzip.compress(data)
        with open(path, "wb") as f:
            f.write(data)

    def write_many(self, out, n, prefix="root/many"):
        """Stream the members, then n empty files under prefix (made as they go), then
        the digest: a stream of n entries that is never whole in memory or on disk.
        Stops quietly when the reader goes away."""
        digest = self.index("zone/digest.json")
        tmpl = entry(prefix + "/f0000000")[0]
        try:
            for c in self.chunks(digest):
                out.write(c)
            out.write(member_bytes(*entry(prefix, "dir")))
            for i in range(n):
                tmpl.name = "%s/f%07d" % (prefix, i)
                out.write(header(tmpl))
            for ti, data in self.m[digest:]:
                out.write(member_bytes(ti, data))
            out.write(END)
            out.flush()
        except BrokenPipeError:
            pass


def zstd(data, level=("-3",)):
    return subprocess.run(["zstd", "-q", "-c", *level], input=data, check=True,
                          capture_output=True).stdout


def zstd_bomb(s, name, gib, out):
    """s with a regular file `name` of `gib` GiB of zeros, as zstd frames: the tar up to
    the file's header, one frame of 64 MiB of zeros (zstd --ultra -22) repeated, then
    the rest.  The stream stays small; the zeros are never made whole.  The frame of
    zeros is kept in $STREAMS_DIR, when there is one, for the next bomb."""
    size = gib << 30
    ti = entry(name, size=size)[0]
    at = s.index("zone/digest.json")
    head = b"".join(s.chunks(at)) + header(ti)
    tail = b"".join(member_bytes(*x) for x in s.m[at:]) + END
    cache = os.path.join(os.environ.get("STREAMS_DIR", "/nonexistent"), "zeros-64M.zst")
    if os.path.exists(cache):
        chunk = open(cache, "rb").read()
    else:
        chunk = zstd(bytes(64 << 20), ("--ultra", "-22"))
        if os.path.isdir(os.path.dirname(cache)):
            with open(cache, "wb") as f:
                f.write(chunk)
    with open(out, "wb") as f:
        f.write(zstd(head))
        for _ in range(size // (64 << 20)):
            f.write(chunk)
        f.write(zstd(tail))


if __name__ == "__main__":
    sys.exit("streamcraft is a module for streams.bats")
