#!/usr/bin/env python3
"""Helper of idl_gen_test: run one release's code generators, as its
Makefiles do, on its base tree plus the kit's compat patches, and check
what they wrote.

  idl_gen_check.py prepare REL DIR    unpack the generator inputs of REL
                                      into DIR/tree and apply the compat
                                      layer; prints the tree's path
  idl_gen_check.py generate TREE OUT  run every python generator the
                                      build runs; outputs go to OUT
  idl_gen_check.py complete TREE OUT  check the libxl output against the
                                      IDL: every type, value and field,
                                      in the IDL's order
  idl_gen_check.py sizes TREE OUT     compile the foreign-header checker
                                      and compare with reference.size
  idl_gen_check.py sums OUT           sha256 of every output, sorted

Python 2 is not available on a current host, so the generated C cannot
be compared with what the unported scripts wrote.  What is checked
instead: the output does not depend on hashing (callers run generate
with several PYTHONHASHSEEDs), it is complete and in the IDL's order
(the port keeps idl.parse's ordered namespace), the foreign headers
still have the reference struct sizes, and the bytes equal the committed
golden sums, so any later change of a generator's output shows.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    sys.stderr.write("idl_gen_check: %s\n" % msg)
    sys.exit(2)


def repo_root():
    d = HERE
    while d != "/":
        if os.path.exists(os.path.join(d, "matrix.yaml")):
            return d
        d = os.path.dirname(d)
    fail("no matrix.yaml above %s" % HERE)


def matrix(root):
    """The releases of matrix.yaml and their stacks, as the kit reads them (kit list --json)."""
    work = os.environ.get("KIT_WORK") or os.path.join(os.getcwd(), "work")
    out = subprocess.run([os.path.join(root, "scripts", "kit"), "--work", work,
                          "list", "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        fail("kit list --json: %s" % out.stderr.strip())
    return {r["id"]: r for r in json.loads(out.stdout)}


def base_file(root, rel):
    """The base tarball's file name of release REL."""
    r = matrix(root).get(rel)
    if r is None:
        fail("release %s is not in matrix.yaml" % rel)
    return r["base"]["file"]


def series_patches(root, rel, layer):
    """The patches of one layer of REL's stack, in series order."""
    return [os.path.join(root, "patches", rel, p["patch"])
            for p in matrix(root)[rel]["stack"] if p["layer"] == layer]


# What the generators read, relative to the top of a tree.
INPUT_PREFIXES = ("tools/libxl/", "tools/include/xen-foreign/",
                  "xen/include/public/", "xen/tools/gen-cpuid.py")
INPUT_SUFFIXES = (".py", ".idl", "Makefile", ".h", "reference.size")


def cmd_prepare(rel, workdir):
    root = repo_root()
    trees = os.environ.get("KIT_SOURCES") or os.path.join(root, "..", "shared", "trees")
    tarball = os.path.join(trees, base_file(root, rel))
    if not os.path.exists(tarball):
        sys.stderr.write("idl_gen_check: no base tree %s\n" % tarball)
        sys.exit(3)
    patches = series_patches(root, rel, "compat")
    touched = set()
    for p in patches:
        touched.update(re.findall(r"^\+\+\+ b/(\S+)", open(p).read(), re.M))
    with tarfile.open(tarball) as tf:
        members = []
        for m in tf.getmembers():
            top, _, path = m.name.partition("/")
            if not m.isfile():
                continue
            if path in touched or (path.startswith(INPUT_PREFIXES) and
                                   path.endswith(INPUT_SUFFIXES)):
                members.append(m)
        if not members:
            fail("%s holds none of the generator inputs" % tarball)
        top = members[0].name.split("/")[0]
        tf.extractall(workdir, members=members)
    tree = os.path.join(workdir, top)
    for p in patches:
        r = subprocess.run(["patch", "-p1", "-F0", "-N", "-s", "--no-backup-if-mismatch",
                            "-i", p], cwd=tree, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        if r.returncode:
            fail("%s does not apply with fuzz 0:\n%s" % (os.path.basename(p), r.stdout))
    print(tree)


def run(argv, cwd, env=None):
    r = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    if r.returncode:
        sys.stderr.write("idl_gen_check: in %s: %s failed:\n%s" % (cwd, " ".join(argv), r.stdout))
        sys.exit(1)


def gentypes_argv(libxl, idl):
    """gentypes.py's arguments exactly as the release's Makefile passes
    them: the command line is copied into every generated file."""
    stem = idl[:-len(".idl")].replace("libxl_type", "__libxl_type", 1)
    src = open(os.path.join(libxl, "gentypes.py")).read()
    if "header-private" in src:
        outs = [stem + ".h", stem + "_private.h", stem + "_json.h", stem + ".c"]
    else:
        outs = [stem + ".h", stem + "_json.h", stem + ".c"]
    return [idl] + outs, outs


def cmd_generate(tree, out):
    py = sys.executable
    libxl = os.path.join(tree, "tools/libxl")
    os.makedirs(os.path.join(out, "libxl"), exist_ok=True)
    for idl in ("libxl_types.idl", "libxl_types_internal.idl"):
        args, outs = gentypes_argv(libxl, idl)
        run([py, "gentypes.py"] + args, libxl)
        for o in outs:
            os.rename(os.path.join(libxl, o), os.path.join(out, "libxl", o[1:]))
    # testidl.c holds random values: pin the seed to make it comparable.
    env = dict(os.environ, LIBXL_TESTIDL_SEED="xsa178-kit")
    run([py, "gentest.py", "libxl_types.idl", "testidl.c.new"], libxl, env)
    os.rename(os.path.join(libxl, "testidl.c.new"), os.path.join(out, "libxl", "testidl.c"))

    foreign = os.path.join(tree, "tools/include/xen-foreign")
    os.makedirs(os.path.join(out, "xen-foreign"), exist_ok=True)
    mk = open(os.path.join(foreign, "Makefile")).read()
    rules = re.findall(r"^(\w+)\.h: mkheader\.py structs\.py (.*)\n((?:\t.*\n)*)", mk, re.M)
    if not rules:
        fail("no mkheader rules in %s/Makefile" % foreign)
    public = os.path.relpath(os.path.join(tree, "xen/include/public"), foreign)
    for arch, deps, recipe in rules:
        hdrs = [d.replace("$(ROOT)", public) for d in deps.split() if d.endswith(".h")]
        # 4.7 writes $@.tmp and strips __align8__ from casts with sed;
        # the file name is part of the output (its include guard).
        name = arch + (".h.tmp" if "$< $* $@.tmp" in recipe else ".h")
        run([py, "mkheader.py", arch, name] + hdrs, foreign)
        text = open(os.path.join(foreign, name)).read()
        os.unlink(os.path.join(foreign, name))
        if "sed 's/(__align8__ \\(uint64_t\\))/(\\1)/g'" in recipe:
            text = re.sub(r"\(__align8__ (uint64_t)\)", r"(\1)", text)
        open(os.path.join(out, "xen-foreign", arch + ".h"), "w").write(text)
    m = re.search(r"^architectures\s*:=\s*(.*)$", mk, re.M)
    if m and os.path.exists(os.path.join(foreign, "mkchecker.py")):
        run([py, "mkchecker.py", "checker.c"] + m.group(1).split(), foreign)
        os.rename(os.path.join(foreign, "checker.c"), os.path.join(out, "xen-foreign", "checker.c"))

    if os.path.exists(os.path.join(tree, "xen/tools/gen-cpuid.py")):
        libxc = os.path.join(tree, "tools/libxc")
        os.makedirs(libxc, exist_ok=True)
        os.makedirs(os.path.join(out, "libxc"), exist_ok=True)
        run([py, "../../xen/tools/gen-cpuid.py", "-i",
             "../../xen/include/public/arch-x86/cpufeatureset.h", "-o", "_xc_cpuid_autogen.h"], libxc)
        os.rename(os.path.join(libxc, "_xc_cpuid_autogen.h"),
                  os.path.join(out, "libxc", "_xc_cpuid_autogen.h"))


def cmd_sums(out):
    for d, _, files in sorted(os.walk(out)):
        for f in sorted(files):
            p = os.path.join(d, f)
            print("%s  %s" % (hashlib.sha256(open(p, "rb").read()).hexdigest(),
                              os.path.relpath(p, out)))


def cmd_sizes(tree, out):
    foreign = os.path.join(tree, "tools/include/xen-foreign")
    gen = os.path.join(out, "xen-foreign")
    if not os.path.exists(os.path.join(gen, "checker.c")):
        print("no checker in this release")
        return
    exe = os.path.join(gen, "checker")
    run(["gcc", "-D__XEN_TOOLS__", "-I", gen, "-o", exe, os.path.join(gen, "checker.c")], gen)
    got = subprocess.run([exe], stdout=subprocess.PIPE, universal_newlines=True).stdout
    os.unlink(exe)
    want = open(os.path.join(foreign, "reference.size")).read()
    if got != want:
        sys.stderr.write("struct sizes differ from reference.size:\n--- want\n%s--- got\n%s" % (want, got))
        sys.exit(1)


# ---- completeness ---------------------------------------------------------

IDL_ASSIGN = re.compile(r'^(\w+)\s*=\s*(Enumeration|Struct|Union|KeyedUnion|Builtin|Number|UInt|Array)\(\s*"([^"]*)"', re.M)


def idl_text_types(path):
    """Top-level type definitions of an IDL file, found by reading its text
    (independently of idl.py): [(kind, rawname, [enum value names])]."""
    text = open(path).read()
    out = []
    for m in IDL_ASSIGN.finditer(text):
        kind, raw = m.group(2), m.group(3)
        values = []
        if kind == "Enumeration":
            depth, i = 0, m.end()
            while i < len(text):
                c = text[i]
                if c in "([":
                    depth += 1
                elif c in ")]":
                    if depth == 0:
                        break
                    depth -= 1
                i += 1
            body = re.sub(r"#[^\n]*", "", text[m.end():i])
            values = re.findall(r'\(\s*-?\w+\s*,\s*"(\w+)"', body)
        out.append((kind, raw, values))
    return out


def block(text, start_pat, name):
    """The text of the typedef of NAME in a generated header."""
    m = re.search(start_pat % re.escape(name), text, re.M)
    if not m:
        return None
    end = text.find("} %s;" % name, m.end())
    return text[m.start():end] if end >= 0 else None


def cmd_complete(tree, out):
    libxl = os.path.join(tree, "tools/libxl")
    sys.path.insert(0, libxl)
    import idl  # the tree's own, with the compat layer applied
    problems = []

    def need(cond, what):
        if not cond:
            problems.append(what)

    for idlname in ("libxl_types.idl", "libxl_types_internal.idl"):
        stem = idlname[:-len(".idl")].replace("libxl_type", "_libxl_type", 1)
        hdr = open(os.path.join(out, "libxl", stem + ".h")).read()
        impl = open(os.path.join(out, "libxl", stem + ".c")).read()
        jsonh = open(os.path.join(out, "libxl", stem + "_json.h")).read()
        privp = os.path.join(out, "libxl", stem + "_private.h")
        priv = open(privp).read() if os.path.exists(privp) else None

        for s in (hdr, jsonh) + ((priv,) if priv is not None else ()):
            need(s.rstrip().endswith("*/") and "#endif" in s.rstrip().splitlines()[-1],
                 "%s: a generated header is not closed by its #endif" % idlname)

        builtins, types = idl.parse(os.path.join(libxl, idlname))
        text_types = [t for t in idl_text_types(os.path.join(libxl, idlname))
                      if t[0] not in ("Builtin", "Number", "UInt")]
        # Order and completeness: idl.parse against the text of the IDL.
        named = [t for t in types if t.typename is not None]
        need([t.rawname for t in named] == [raw for _, raw, _ in text_types],
             "%s: idl.parse returned %s, the file defines %s"
             % (idlname, [t.rawname for t in named], [raw for _, raw, _ in text_types]))
        # Every type gets a typedef in the header, in the IDL's order.
        typedefs = re.findall(r"^typedef (?:enum|struct|union) (\w+) \{", hdr, re.M)
        need(typedefs == [t.typename for t in named],
             "%s: header typedefs %s, IDL types %s" % (idlname, typedefs, [t.typename for t in named]))

        text_values = dict((raw, vals) for kind, raw, vals in text_types if kind == "Enumeration")
        for ty in named:
            n = ty.typename
            if isinstance(ty, idl.Enumeration):
                b = block(hdr, r"^typedef enum %s \{", n)
                need(b is not None, "%s: no typedef enum" % n)
                need([v.valuename for v in ty.values] == [x.upper() for x in text_values.get(ty.rawname, [])],
                     "%s: idl.parse values differ from the IDL text" % n)
                for v in ty.values:
                    need(b is not None and ("    %s = %d,\n" % (v.name, v.value)) in b,
                         "%s: value %s missing from the header" % (n, v.name))
                    need('{ .s = "%s", .v = %s },' % (v.valuename.lower(), v.name) in impl,
                         "%s: value %s missing from the string table" % (n, v.name))
                    need("        return \"%s\";" % v.valuename.lower() in impl,
                         "%s: value %s missing from %s_to_string" % (n, v.name, n))
                need("const char *%s_to_string(%s e)\n{" % (n, n) in impl, "%s: no _to_string" % n)
                need("int %s_from_string(const char *s, %s *e)\n{" % (n, n) in impl,
                     "%s: no _from_string" % n)
                need("const char *%s_to_string(" % n in hdr, "%s: _to_string not declared" % n)
            elif isinstance(ty, idl.Aggregate):
                b = block(hdr, r"^typedef (?:struct|union) %s \{", n)
                need(b is not None, "%s: no typedef" % n)

                def fields(t):
                    for f in t.fields:
                        yield f
                        if isinstance(f.type, idl.Aggregate) and f.type.typename is None:
                            for g in fields(f.type):
                                yield g
                        if isinstance(f.type, idl.KeyedUnion):
                            yield f.type.keyvar
                        if isinstance(f.type, idl.Array):
                            yield f.type.lenvar
                for f in fields(ty):
                    if f.name is None or f.type is None:
                        continue
                    need(b is not None and re.search(r"\b%s\b" % re.escape(f.name), b),
                         "%s: field %s missing from the header" % (n, f.name))
                if getattr(ty, "init_fn", None) and getattr(ty, "autogenerate_init_fn", False):
                    need("void %s(" % ty.init_fn in impl, "%s: %s not generated" % (n, ty.init_fn))
            if getattr(ty, "dispose_fn", None) and getattr(ty, "autogenerate_dispose_fn", False):
                need("void %s(" % ty.dispose_fn in impl, "%s: %s not generated" % (n, ty.dispose_fn))
                need(" %s(" % ty.dispose_fn in hdr, "%s: %s not declared" % (n, ty.dispose_fn))
            if getattr(ty, "copy_fn", None) and getattr(ty, "autogenerate_copy_fn", False):
                need("void %s(libxl_ctx *ctx, " % ty.copy_fn in impl, "%s: %s not generated" % (n, ty.copy_fn))
            if getattr(ty, "json_gen_fn", None) is not None and getattr(ty, "autogenerate_json", True):
                need("yajl_gen_status %s_gen_json(yajl_gen hand, " % n in impl, "%s: _gen_json not generated" % n)
                need("%s_gen_json(yajl_gen hand, " % n in jsonh, "%s: _gen_json not declared" % n)
                need("char *%s_to_json(libxl_ctx *ctx, " % n in impl, "%s: _to_json not generated" % n)
            if getattr(ty, "json_parse_fn", None) is not None and priv is not None:
                parse = "int %s_%s_parse_json(libxl__gc *gc, " % (ty.namespace, ty.rawname)
                need(parse in impl, "%s: _parse_json not generated" % n)
                need(parse in priv, "%s: _parse_json not declared" % n)
                need("int %s_from_json(libxl_ctx *ctx, " % n in impl, "%s: _from_json not generated" % n)
    if problems:
        sys.stderr.write("".join("incomplete: %s\n" % p for p in problems))
        sys.exit(1)
    print("complete")


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0
    verb, args = argv[1], argv[2:]
    table = {"prepare": (cmd_prepare, 2), "generate": (cmd_generate, 2),
             "complete": (cmd_complete, 2), "sizes": (cmd_sizes, 2), "sums": (cmd_sums, 1)}
    if verb not in table or len(args) != table[verb][1]:
        sys.stderr.write("usage: see idl_gen_check.py --help\n")
        return 2
    if verb != "prepare":
        args = [os.path.abspath(a) for a in args]
    table[verb][0](*args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
