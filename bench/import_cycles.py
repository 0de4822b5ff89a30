"""Prints the cycles in the file-level import graph of every crate under crates/.

    python3 bench/import_cycles.py            # from the repository root; exit 1 if there is a cycle
    python3 bench/import_cycles.py --edges    # also print every edge (file -> file, with the line)

Each crate root (src/lib.rs, src/main.rs) is followed through its `mod` declarations to find which file holds
which module (`mod x;` is x.rs or x/mod.rs; an inline `mod x { ... }` stays in its file). A file imports another
when one of its `use crate::...`, `use super::...`, `use self::...` or `use child::...` statements (grouped `{...}`
imports included) names a path inside that file's module; the longest module prefix of the path decides the file.
Imports of other crates (`use sigsurv_core::...`) are left out: Cargo already refuses cycles between crates.
Paths written out in code without a `use` (`crate::x::f()`) are not read.

A cycle is a strongly connected set of two or more files; for each one the script prints one closed path
through it, with the line that makes each step.
"""

import os
import re
import signal
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOD_DECL = re.compile(r"^\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+(r#)?([A-Za-z_][A-Za-z0-9_]*)\s*([;{])")
PATH_ATTR = re.compile(r'#\[path\s*=\s*"([^"]+)"\]')
USE_START = re.compile(r"^\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?use\s+")


def strip_comments_and_strings(line):
    """The line without // comments and without the contents of string and char literals (braces inside them
    would otherwise count as blocks)."""
    out, i, n = [], 0, len(line)
    while i < n:
        c = line[i]
        if c == "/" and i + 1 < n and line[i + 1] == "/":
            break
        if c == '"':
            j = i + 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            out.append('""')
            i = j + 1
            continue
        if c == "'" and i + 2 < n and (line[i + 2] == "'" or line[i + 1] == "\\"):
            j = line.find("'", i + 2)
            out.append("' '")
            i = (j + 1) if j > 0 else n
            continue
        out.append(c)
        i += 1
    return "".join(out)


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e]; `as` renames are dropped, `*` globs keep their path."""
    tree = re.sub(r"\s+as\s+[A-Za-z_][A-Za-z0-9_]*", "", tree)
    tree = re.sub(r"\s+", "", tree)
    i = tree.find("{")
    if i < 0:
        return [tree] if tree else []
    prefix, depth, start, parts = tree[:i], 0, i + 1, []
    for k in range(i, len(tree)):
        ch = tree[k]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                parts.append(tree[start:k])
                break
        elif ch == "," and depth == 1:
            parts.append(tree[start:k])
            start = k + 1
    paths = []
    for p in parts:
        if not p:
            continue
        for sub in expand_use(p):
            paths.append(prefix + sub if sub != "self" else prefix.rstrip(":"))
    return paths


class Crate:
    def __init__(self, name, root_file):
        self.name = name
        self.files = {}  # module path (tuple) -> file
        self.modules_of = {}  # file -> its module path (the file's own module)
        self.walk(root_file, (), True)

    def walk(self, file, modpath, is_dir_owner):
        if file in self.modules_of or not os.path.exists(file):
            return
        self.files[modpath] = file
        self.modules_of[file] = modpath
        # Children of foo.rs live in foo/; children of mod.rs, lib.rs and main.rs next to them.
        base = os.path.dirname(file) if is_dir_owner else os.path.splitext(file)[0]
        inline = []  # (name, brace depth at which it opened)
        depth, pending_path = 0, None
        with open(file, encoding="utf-8") as f:
            for raw in f:
                attr = PATH_ATTR.search(raw)
                line = strip_comments_and_strings(raw)
                if attr:
                    pending_path = attr.group(1)
                elif line.strip() and not line.strip().startswith("#") and not MOD_DECL.match(line):
                    pending_path = None
                m = MOD_DECL.match(line)
                if m:
                    name = m.group(2)
                    here = base
                    for n in inline:
                        here = os.path.join(here, n[0])
                    child = modpath + tuple(n[0] for n in inline) + (name,)
                    if m.group(3) == ";":
                        if pending_path:
                            target = os.path.normpath(os.path.join(os.path.dirname(file), pending_path))
                            owner = os.path.basename(target) == "mod.rs"
                        elif os.path.exists(os.path.join(here, name + ".rs")):
                            target, owner = os.path.join(here, name + ".rs"), False
                        else:
                            target, owner = os.path.join(here, name, "mod.rs"), True
                        self.walk(target, child, owner)
                        pending_path = None
                    else:
                        self.files.setdefault(child, file)
                        inline.append((name, depth))
                for ch in line:
                    if ch == "{":
                        depth += 1
                    elif ch == "}":
                        depth -= 1
                        if inline and depth == inline[-1][1]:
                            inline.pop()

    def target_file(self, segments):
        """The file holding the longest module prefix of an absolute path."""
        for k in range(len(segments), -1, -1):
            f = self.files.get(tuple(segments[:k]))
            if f:
                return f
        return None


def uses_of(file):
    """(line number, statement, module offset) for each `use` statement; the offset is the inline module path
    the statement sits in, relative to the file's module."""
    out, inline, depth = [], [], 0
    buf, buf_line, buf_inline = None, 0, ()
    with open(file, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = strip_comments_and_strings(raw)
            if buf is None and USE_START.match(line):
                buf, buf_line, buf_inline = USE_START.sub("", line, count=1), no, tuple(n for n, _ in inline)
            elif buf is not None:
                buf += line
            if buf is not None and ";" in buf:
                out.append((buf_line, buf[: buf.index(";")].strip(), buf_inline))
                buf = None
            m = MOD_DECL.match(line)
            if m and m.group(3) == "{":
                inline.append((m.group(2), depth))
            for ch in line:
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                    if inline and depth == inline[-1][1]:
                        inline.pop()
    return out


def resolve(crate, modpath, path):
    segs = [s for s in path.split("::") if s]
    if not segs:
        return None
    if segs[0] == "crate":
        return segs[1:]
    if segs[0] in ("super", "self"):
        base = list(modpath)
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                if not base:
                    return None
                base.pop()
            segs = segs[1:]
        return base + segs
    if tuple(modpath) + (segs[0],) in crate.files:
        return list(modpath) + segs  # a child module named without `self::` (`pub use child::Item;`)
    return None  # another crate, std, or a name brought into scope


def graph():
    edges = {}  # (from, to) -> (line number, statement)
    crates = []
    for name in sorted(os.listdir(os.path.join(ROOT, "crates"))):
        for root in ("src/lib.rs", "src/main.rs"):
            path = os.path.join(ROOT, "crates", name, root)
            if os.path.exists(path):
                crates.append(Crate(f"{name} ({root})", path))
    for crate in crates:
        for file, modpath in crate.modules_of.items():
            for no, stmt, offset in uses_of(file):
                for p in expand_use(stmt):
                    segs = resolve(crate, modpath + offset, p)
                    if segs is None:
                        continue
                    target = crate.target_file(segs)
                    if target and target != file:
                        edges.setdefault((file, target), (no, stmt))
    return crates, edges


def cycles(nodes, edges):
    """Tarjan's strongly connected components of two or more nodes."""
    succ = {n: [] for n in nodes}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in succ[v]:
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
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(succ):
        if v not in index:
            visit(v)
    return out, succ


def closed_path(comp, succ):
    """One cycle through the component's first file (breadth-first, so a shortest one)."""
    members, start = set(comp), comp[0]
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in succ[v]:
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path)) + [start]
                if w in members and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return [start]


def main():
    crates, edges = graph()
    rel = lambda p: os.path.relpath(p, ROOT)
    nodes = [f for c in crates for f in c.modules_of]
    if "--edges" in sys.argv:
        for (a, b), (no, stmt) in sorted(edges.items()):
            print(f"{rel(a)}:{no} -> {rel(b)}    use {stmt};")
    found, succ = cycles(nodes, edges)
    print(f"{len(nodes)} files, {len(edges)} file-to-file imports, {len(found)} cycle(s)")
    for comp in found:
        print(f"\ncycle among {len(comp)} files: " + ", ".join(rel(f) for f in comp))
        path = closed_path(comp, succ)
        for a, b in zip(path, path[1:]):
            no, stmt = edges[(a, b)]
            print(f"  {rel(a)}:{no} -> {rel(b)}    use {stmt};")
    return 1 if found else 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    sys.exit(main())
