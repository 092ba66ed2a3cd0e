#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# abi-check: libzone.so exports exactly what zone.h declares.
#
# Reads the functions (and extern objects) zone.h declares, the names
# libzone.sym makes global, and `nm -D --defined-only` of the built library,
# and fails -- naming each one -- on a symbol the library exports that
# zone.h does not declare, on a zone.h function the library does not export,
# and on any difference between zone.h and libzone.sym.  So the header, the
# version script and the library cannot drift apart.  TAP on stdout.
#
# Usage: abi-check.py NM LIBZONE.SO ZONE.H LIBZONE.SYM

import re
import subprocess
import sys


def strip_c(text):
    """zone.h without comments, C++ guards, string literals and preprocessor lines."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    # extern "C" { ... } for C++ is not a declaration
    text = re.sub(r'^#\s*ifdef\s+__cplusplus\b.*?^#\s*endif', ' ', text, flags=re.S | re.M)
    text = re.sub(r'//[^\n]*', ' ', text)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    text = re.sub(r'\\\n', ' ', text)
    return '\n'.join(l for l in text.split('\n') if not l.lstrip().startswith('#'))


def drop_attributes(stmt):
    """Remove __attribute__((...)) groups, however deeply nested."""
    while True:
        m = re.search(r'__attribute__\s*\(', stmt)
        if not m:
            return stmt
        depth, i = 0, m.end() - 1
        while i < len(stmt):
            depth += {'(': 1, ')': -1}.get(stmt[i], 0)
            if depth == 0:
                break
            i += 1
        stmt = stmt[:m.start()] + ' ' + stmt[i + 1:]


def top_level_statements(text):
    """Declarations at file scope: brace bodies (structs, enums) collapsed to {}."""
    stmts, cur, depth = [], [], 0
    for ch in text:
        if ch == '{':
            if depth == 0:
                cur.append('{}')
            depth += 1
        elif ch == '}':
            depth -= 1
            if depth == 0 and re.search(r'\)\s*\{\}$', ''.join(cur)):
                stmts.append(''.join(cur))  # an inline function's body ends it
                cur = []
        elif depth == 0:
            if ch == ';':
                stmts.append(''.join(cur))
                cur = []
            else:
                cur.append(ch)
    return [' '.join(s.split()) for s in stmts if s.strip()]


def header_names(path):
    """Names of the functions and extern objects zone.h declares."""
    names = []
    for stmt in top_level_statements(strip_c(open(path).read())):
        stmt = drop_attributes(stmt)
        if re.match(r'(typedef|static)\b', stmt):
            continue
        if '{}' in stmt.split('(')[0]:
            continue  # struct/enum definition (or a variable of such a type)
        m = re.search(r'\b([A-Za-z_]\w*)\s*\(', stmt)
        if m:
            names.append(m.group(1))  # a function: the name before the first '('
        elif stmt.startswith('extern '):
            m = re.search(r'\b([A-Za-z_]\w*)\s*(\[[^]]*\])*\s*$', stmt)
            if m:
                names.append(m.group(1))
    return names


def map_file(path):
    """(version nodes, global names) of a version script."""
    text = re.sub(r'#[^\n]*', ' ', re.sub(r'/\*.*?\*/', ' ', open(path).read(), flags=re.S))
    nodes = re.findall(r'([A-Za-z_][\w.]*)\s*\{', text)
    names = []
    for body in re.findall(r'global\s*:(.*?)(?:local\s*:|\})', text, flags=re.S):
        names += [n.strip() for n in body.split(';') if n.strip()]
    return nodes, names


def exported(nm, lib):
    """{name: version} of what the library's dynamic symbol table defines."""
    out = subprocess.run([nm, '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        kind, sym = f[-2], f[-1]
        name, _, version = sym.partition('@')
        syms[name] = (kind, version.lstrip('@'))
    return syms


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, good, what):
        self.n += 1
        self.failed += not good
        print('%s %d - %s' % ('ok' if good else 'not ok', self.n, what))

    def each(self, bad, fmt, summary):
        """One failing line per offender, or one passing line for none."""
        for name in sorted(bad):
            self.ok(False, fmt % name)
        if not bad:
            self.ok(True, summary)


def main():
    if len(sys.argv) != 5:
        print('usage: abi-check.py NM LIBZONE.SO ZONE.H LIBZONE.SYM', file=sys.stderr)
        return 2
    nm, lib, header, mapfile = sys.argv[1:]
    t = Tap()

    declared = header_names(header)
    dups = {n for n in declared if declared.count(n) > 1}
    declared = set(declared)
    t.ok(len(declared) > 0 and all(n.startswith('zone_') for n in declared),
         'zone.h declares %d functions, all zone_*%s' % (
             len(declared), ''.join(' (not: %s)' % n for n in sorted(declared)
                                    if not n.startswith('zone_'))))
    t.each(dups, 'zone.h declares %s twice', 'zone.h declares each function once')

    nodes, mapped = map_file(mapfile)
    t.ok(len(nodes) >= 1, 'libzone.sym has version node(s) %s' % ' '.join(nodes))
    wild = {n for n in mapped if re.search(r'[*?\[]', n)}
    t.each(wild, 'libzone.sym: global pattern %s: name each export instead',
           'libzone.sym names its exports (no patterns)')
    t.each(set(mapped) - wild - declared,
           'libzone.sym exports %s, which zone.h does not declare',
           'libzone.sym exports nothing zone.h does not declare')
    t.each(declared - set(mapped), 'zone.h declares %s, which libzone.sym does not export',
           'libzone.sym exports every function zone.h declares')

    syms = exported(nm, lib)
    # The version nodes themselves appear as absolute symbols: not exports.
    exports = {n: v for n, v in syms.items() if not (v[0] == 'A' and n in nodes)}
    t.each(set(exports) - declared, 'libzone.so exports %s, which zone.h does not declare',
           'libzone.so exports nothing zone.h does not declare (%d symbols)' % len(exports))
    t.each(declared - set(exports), 'zone.h declares %s, which libzone.so does not export',
           'libzone.so exports every function zone.h declares')
    unversioned = {n for n, v in exports.items() if v[1] not in nodes}
    if exports and unversioned == set(exports):
        t.ok(False, 'libzone.so has no symbol of a libzone.sym version: linked without it?')
    else:
        t.each(unversioned, 'libzone.so exports %s without a libzone.sym version',
               'every export carries a version of libzone.sym')

    print('1..%d' % t.n)
    return 1 if t.failed else 0


if __name__ == '__main__':
    sys.exit(main())
