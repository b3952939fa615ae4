#!/usr/bin/env python3
"""Keeps the documentation true to the programs and the headers.

  check-docs.py [--bin DIR] [CHECK...]     CHECK: options functions taxonomy pointers examples
                                          (all of them when none is named)

options    Every option in each tool's --help has an entry in its man page and the reverse; where
           either states a default or a range for an option, the other states the same one.
functions  Every JM_EXTERN function of include/jobmatch/*.h is in docs/man/libjobmatch.3, in the
           section of its header, and every function that page lists exists.
taxonomy   docs/MATCHING.md's families and categories are those of the vocabulary the library
           compiles in (libjobmatch/data/seed-vocab.json), in its order.
pointers   No shipped page points readers to a document they do not have (a specification).
examples   The README's ```sh blocks and the man pages' EXAMPLES run, each in a fresh folder
           holding the small inputs they name, with the tools of --bin first on PATH.

What a page "states", so that writers know what the check reads:
  a default  the values after the word "default" (numbers, durations, times, environment
             variables, to the next ';', ')', end of sentence, or ', ' not before "else"), and a
             word just before "(default)" or "(the default)";
  a range    "(A-B" at the start of a parenthesis, "from A to B", "from A to below B",
             "[A, B)" or "[A, B]", "between A and B", and "A to B" of two durations.
An example that cannot run here is marked in the page's source, never in this script:
  README.md  <!-- doc-test: skip: WHY --> before a block skips the block;
             <!-- doc-test: skip: WHY: PREFIX --> only its commands beginning with PREFIX;
             <!-- doc-test: stop after Ns: PREFIX --> runs them, requires that they are still
             running after N seconds (they follow their input) and then stops them.
  man page   .\\" doc-test: skip: WHY   or   .\\" doc-test: stop after Ns   on the line before the
             command.
Prints one line per problem, saying which option, function or command and where, then
"check-docs: N passed, N failed".
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = ("jm-gen", "jm-match", "jm-report")
MAN = os.path.join(SRC, "docs", "man")
LIBMAN = os.path.join(MAN, "libjobmatch.3")

failures = []
passed = 0


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg)


def ok():
    global passed
    passed += 1


# ---- roff to text ---------------------------------------------------------------------------

ROFF_CHARS = {"en": "\u2013", "em": "\u2014", "mu": "\u00d7", "lq": '"', "rq": '"', "aq": "'",
              "cq": "'", "oq": "'", "ti": "~", "ha": "^", "bu": "*"}


def roff_text(s):
    """The text a roff line shows: escapes resolved, fonts dropped, request names removed."""
    if s.startswith(".") or s.startswith("'"):
        m = re.match(r"[.'](\w+)\s*(.*)", s)
        if not m:
            return ""
        req, rest = m.group(1), m.group(2)
        if req in ("B", "I", "BR", "RB", "BI", "IB", "IR", "RI", "SM", "SB"):
            # Alternating fonts join their arguments without spaces; quotes group.
            args = re.findall(r'"((?:[^"]|"")*)"|(\S+)', rest)
            sep = " " if req in ("B", "I", "SM", "SB") else ""
            s = sep.join(a or b for a, b in args)
        else:
            return ""
    s = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", s)
    s = re.sub(r"\\\((..)", lambda m: ROFF_CHARS.get(m.group(1), ""), s)
    s = re.sub(r"\\\[(\w+)\]", lambda m: ROFF_CHARS.get(m.group(1), ""), s)
    s = s.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\").replace("\\ ", " ")
    s = s.replace("\\\\", "\\")
    return s


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ---- options ----------------------------------------------------------------------------------

OPT_NAME = r"-{1,2}[A-Za-z0-9][A-Za-z0-9-]*"
NUM = r"\d[\d,]*(?:\.\d+)?(?:ms|s|m|h|d)?"
DUR = r"\d+(?:\.\d+)?(?:ms|s|m|h|d)"


def norm_num(s):
    s = s.rstrip(",.")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    return s


def help_options(text):
    """{option: description} from --help: option lines begin with 1-8 spaces and a dash;
    continuation lines are indented further."""
    opts, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^ {1,8}((?:-[A-Za-z0-9], )?" + OPT_NAME + r")(\S*)(?: ([A-Z]\S*))?(?:\s+(.*))?$",
                     line)
        if m:
            names = re.findall(OPT_NAME, m.group(1))
            cur = [names, m.group(4) or ""]
            for n in names:
                opts[n] = cur
        elif cur and re.match(r"^ {9,}\S", line):
            cur[1] += " " + line.strip()
        else:
            cur = None
    return {n: " ".join(v[1].split()) for n, v in opts.items()}


def man_sections(text):
    """[(section name, [lines])] of a man page."""
    out, name, lines = [], "", []
    for line in text.splitlines():
        if line.startswith(".SH"):
            out.append((name, lines))
            name, lines = roff_text(".B " + line[3:].strip()).strip(), []
        else:
            lines.append(line)
    out.append((name, lines))
    return out


def man_options(text):
    """{option: description} from every .TP entry whose tag begins with a dash."""
    opts = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith(".TP") and i + 1 < len(lines):
            tag = roff_text(lines[i + 1]).strip()
            j = i + 2
            body = []
            while j < len(lines) and not re.match(r"\.(TP|SH|SS|PP|P|LP|IP|RE)\b", lines[j]):
                if not lines[j].startswith('.\\"'):
                    body.append(roff_text(lines[j]))
                j += 1
            if tag.startswith("-"):
                names = re.findall(r"(?<![\w-])" + OPT_NAME, tag)
                desc = " ".join(" ".join(body).split())
                for n in names:
                    opts[n] = (opts.get(n, "") + " " + desc).strip()
            i = j
        else:
            i += 1
    return opts


def man_environment(text):
    names = set()
    for name, lines in man_sections(text):
        if name == "ENVIRONMENT":
            for line in lines:
                names |= set(re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", roff_text(line)))
    return names


def defaults(desc, env):
    toks = set()
    for m in re.finditer(r"\bdefault\b:?", desc, re.I):
        clause = re.split(r"[;)]|\.(?:\s|$)|,\s+(?!else\b)", desc[m.end():], maxsplit=1)[0]
        for t in re.findall(r"\d{4}-\d\d-\d\dT[\d:.]+Z?|(?<![\w.])" + NUM + r"(?![\w])|[A-Z][A-Z0-9_]{2,}",
                            clause):
            if t[0].isdigit():
                toks.add(norm_num(t))
            elif t in env:
                toks.add(t)
    for m in re.finditer(r"([\w.]+)\s+\((?:the\s+)?default\)", desc, re.I):
        toks.add(m.group(1).lower())
    return toks


def ranges(desc):
    out = set()
    pats = [(r"\((" + NUM + r")\s*[-\u2013]\s*(" + NUM + r")\s*[;,)]", ""),
            (r"\bfrom (" + NUM + r") to below (" + NUM + ")", "<"),
            (r"\bfrom (" + NUM + r") to (?!below)(" + NUM + ")", ""),
            (r"\[(" + NUM + r"),\s*(" + NUM + r")\)", "<"),
            (r"\[(" + NUM + r"),\s*(" + NUM + r")\]", ""),
            (r"\bbetween (" + NUM + r") and (" + NUM + ")", ""),
            (r"(?<![\w.])(" + DUR + r") to (" + DUR + r")\b", "")]
    for pat, below in pats:
        for m in re.finditer(pat, desc, re.I):
            out.add("%s to %s%s" % (norm_num(m.group(1)), "below " if below else "",
                                    norm_num(m.group(2))))
    return out


def check_options(bindir):
    for tool in TOOLS:
        exe = os.path.join(bindir, tool)
        page = os.path.join("docs", "man", tool + ".1")
        r = subprocess.run([exe, "--help"], capture_output=True, text=True)
        if r.returncode != 0:
            fail("%s --help exited %d" % (tool, r.returncode))
            continue
        man = read(os.path.join(SRC, page))
        env = man_environment(man)
        h, m = help_options(r.stdout), man_options(man)
        if not h:
            fail("%s: no option found in --help" % tool)
            continue
        for opt in sorted(h):
            if opt not in m:
                fail("%s: %s is in --help but not in %s (add a .TP entry for it)" % (tool, opt, page))
                continue
            good = True
            for what, get in (("default", lambda d: defaults(d, env)), ("range", ranges)):
                a, b = get(h[opt]), get(m[opt])
                if (a or b) and a != b:
                    good = False
                    fail("%s: %s: %s %s in --help but %s in %s" % (
                        tool, opt, what, ", ".join(sorted(a)) or "none",
                        ", ".join(sorted(b)) or "none", page))
            if good:
                ok()
        for opt in sorted(set(m) - set(h)):
            fail("%s: %s is in %s but not in --help" % (tool, opt, page))


# ---- functions ----------------------------------------------------------------------------------

def header_functions():
    """{header file name: [function names]} of every JM_EXTERN declaration."""
    out = {}
    inc = os.path.join(SRC, "include", "jobmatch")
    for name in sorted(os.listdir(inc)):
        if not name.endswith(".h"):
            continue
        text = re.sub(r"/\*.*?\*/", " ", read(os.path.join(inc, name)), flags=re.S)
        text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)
        names = []
        for decl in re.findall(r"\bJM_EXTERN\b([^;{]*)", text):
            m = re.search(r"\b(jm_\w+)\s*\(", decl)
            if m:
                names.append(m.group(1))
            else:
                fail("include/jobmatch/%s: JM_EXTERN declaration without a function name: %s" % (
                    name, " ".join(decl.split())[:80]))
        if names:
            out[name] = names
    return out


def check_functions():
    if not os.path.exists(LIBMAN):
        fail("docs/man/libjobmatch.3 is missing")
        return
    # {header: set of functions listed in its .SS section}; a function is listed by its
    # prototype line, .BI or .B, whose text has NAME( in it.
    listed, section = {}, None
    for line in read(LIBMAN).splitlines():
        m = re.match(r'\.SS\s+"?<jobmatch/([\w.]+)>"?', line)
        if m:
            section = m.group(1)
            listed.setdefault(section, set())
            continue
        if line.startswith(".SH"):
            section = None
            continue
        if section and re.match(r"\.(BI|B)\s", line):
            for name in re.findall(r"\b(jm_\w+)\s*\(", roff_text(line)):
                listed[section].add(name)
    declared = header_functions()
    everywhere = {f: h for h, fs in declared.items() for f in fs}
    for header, names in declared.items():
        for f in names:
            if f in listed.get(header, ()):
                ok()
                continue
            elsewhere = [h for h, fs in listed.items() if f in fs]
            if elsewhere:
                fail("libjobmatch(3): %s is listed under <jobmatch/%s>, but it is declared in %s"
                     % (f, elsewhere[0], header))
            else:
                fail("libjobmatch(3): %s (include/jobmatch/%s) is missing: add it to the section "
                     "<jobmatch/%s> of docs/man/libjobmatch.3" % (f, header, header))
    for header, names in listed.items():
        for f in sorted(names):
            if f not in everywhere:
                fail("libjobmatch(3): %s is listed under <jobmatch/%s> but no header declares it"
                     % (f, header))


# ---- the taxonomy ---------------------------------------------------------------------------------

def check_taxonomy():
    import json
    with open(os.path.join(SRC, "libjobmatch", "data", "seed-vocab.json"), encoding="utf-8") as f:
        groups = list(json.load(f)["job_family_groups"].items())
    page = read(os.path.join(SRC, "docs", "MATCHING.md"))
    rows = re.findall(r"^\| (\d+) \| ([^|]+?) \| ([^|]+?) \|$", page, re.M)
    doc = [(name, [c.strip() for c in cats.split(";")]) for _, name, cats in rows]
    want = [(name, list(cats)) for name, cats in groups]
    if doc == want:
        ok()
    else:
        for i in range(max(len(doc), len(want))):
            d = doc[i] if i < len(doc) else None
            w = want[i] if i < len(want) else None
            if d != w:
                fail("docs/MATCHING.md: family %d is %s, the vocabulary's is %s" % (
                    i + 1, d and "%s: %s" % (d[0], "; ".join(d[1])),
                    w and "%s: %s" % (w[0], "; ".join(w[1]))))
    # The list of categories in taxonomy order, each with its families' numbers.
    order = re.search(r"The 20 categories, in taxonomy order.*?:\n(.*?)\n\n", page, re.S)
    got = re.findall(r"([^·]+?) \(([\d, ]+)\)", " ".join(order.group(1).split())) if order else []
    cats = [c for _, cs in groups for c in cs]
    seen = []
    for c in cats:
        if c not in seen:
            seen.append(c)
    fams = {c: sorted(i + 1 for i, (_, cs) in enumerate(groups) if c in cs) for c in seen}
    listed = [c.strip() for c, _ in got]
    code = re.search(r"categories\[JM_CATEGORY_COUNT\] = \{(.*?)\};",
                     read(os.path.join(SRC, "libjobmatch", "taxonomy.c")), re.S)
    compiled = re.findall(r'"([^"]+)"', code.group(1)) if code else []
    if listed != compiled:
        fail("docs/MATCHING.md: the categories are listed as %s, libjobmatch/taxonomy.c orders "
             "them %s" % (listed, compiled))
    got = {c.strip(): sorted(int(x) for x in n.split(",")) for c, n in got}
    if set(got) != set(seen) or len(got) != 20:
        fail("docs/MATCHING.md: the category list names %s, the vocabulary has %s" % (
            sorted(got), sorted(seen)))
    else:
        bad = [c for c in seen if got[c] != fams[c]]
        for c in bad:
            fail("docs/MATCHING.md: %s is in families %s, the vocabulary says %s" % (
                c, got[c], fams[c]))
        if not bad:
            ok()


# ---- pointers to documents users do not have --------------------------------------------------

# "SPEC" in capitals names the contract the library was built to; a plugin's "spec" in lower case
# (NAME:key=value) is a command-line argument, not a document.
POINTER = re.compile(r"\bSPEC\b|(?i:\bspecification\b|\bproduct spec)")


def shipped_files():
    for top in ("README.md", "docs", "include", "bindings", "sql", "examples"):
        path = os.path.join(SRC, top)
        if os.path.isfile(path):
            yield top
            continue
        for d, dirs, files in os.walk(path):
            dirs[:] = [x for x in dirs if x not in ("__pycache__",) and not x.startswith(".")]
            for f in files:
                if f.endswith((".md", ".h", ".py", ".sql", ".c", ".1", ".3", ".txt", ".toml")):
                    yield os.path.relpath(os.path.join(d, f), SRC)


def check_pointers():
    for rel in sorted(shipped_files()):
        bad = 0
        for n, line in enumerate(read(os.path.join(SRC, rel)).splitlines(), 1):
            for m in POINTER.finditer(line):
                word = m.group(0)
                # "SPEC" as a metavariable of a plugin spec (--to SPEC) is not a document.
                if word == "SPEC" and re.search(r"--\w[\w-]*\s+SPEC\b", line):
                    continue
                bad += 1
                fail("%s:%d: points to a document users do not have (%r): say it here or name "
                     "a page under docs/" % (rel, n, line.strip()[:90]))
        if not bad:
            ok()


# ---- examples -----------------------------------------------------------------------------------

EXAMPLE_TIMEOUT = 300


def marker(text):
    """(action, seconds, prefix) of a doc-test marker's text, or None."""
    m = re.match(r"\s*doc-test:\s*(skip|stop after (\d+)s)\s*(?::\s*(.*?))?\s*$", text)
    if not m:
        return None
    rest = m.group(3) or ""
    if m.group(1) == "skip":
        why, _, prefix = rest.partition(": ")
        return ("skip", 0, prefix.strip(), why.strip())
    return ("stop", int(m.group(2)), rest.strip(), "")


def readme_examples():
    """[(where, command, marker)] of README.md's ```sh blocks."""
    out = []
    lines = read(os.path.join(SRC, "README.md")).splitlines()
    marks, i = [], 0
    while i < len(lines):
        m = re.match(r"\s*<!--(.*)-->\s*$", lines[i])
        if m and marker(m.group(1)):
            marks.append(marker(m.group(1)))
        elif lines[i].strip() in ("```sh", "```shell", "```console"):
            j = i + 1
            cmd = ""
            while j < len(lines) and lines[j].strip() != "```":
                line = lines[j]
                cmd += line[:-1] + " " if line.endswith("\\") else line
                if not line.endswith("\\"):
                    if cmd.strip():
                        mk = next((k for k in marks if not k[2] or cmd.strip().startswith(k[2])),
                                  None)
                        out.append(("README.md:%d" % (j + 1), cmd.strip(), mk))
                    cmd = ""
                j += 1
            marks, i = [], j
        elif lines[i].strip():
            marks = marks if lines[i].lstrip().startswith("<!--") else []
        i += 1
    return out


def man_examples():
    out = []
    for tool in TOOLS:
        page = "docs/man/%s.1" % tool
        lines = read(os.path.join(SRC, page)).splitlines()
        in_ex, mk = False, None
        for n, line in enumerate(lines, 1):
            if line.startswith(".SH"):
                in_ex = line[3:].strip().strip('"') == "EXAMPLES"
                continue
            if not in_ex or line.startswith((".nf", ".fi", ".EX", ".EE", ".PP", ".RS", ".RE")):
                continue
            if line.startswith('.\\"'):
                mk = marker(line[3:]) or mk
                continue
            if line.startswith("."):
                continue
            cmd = roff_text(line).strip()
            if cmd:
                out.append(("%s:%d" % (page, n), cmd, mk))
            mk = None
    return out


def make_inputs(d, bindir):
    """The small inputs the examples name, made once."""
    data = os.path.join(SRC, "tests", "data")
    shutil.copy(os.path.join(data, "jobs-sample.csv"), os.path.join(d, "jobs.csv"))
    shutil.copy(os.path.join(data, "candidates-sample.csv"), os.path.join(d, "candidates.csv"))
    shutil.copy(os.path.join(data, "example-stream.ndjson"), os.path.join(d, "stream.ndjson"))
    gen = subprocess.run([os.path.join(bindir, "jm-gen"), "-n", "200", "--seed", "3"],
                         capture_output=True, check=True).stdout
    apps = subprocess.run([os.path.join(bindir, "jm-match"), "--passthrough", "--top", "5"],
                          input=gen, capture_output=True, check=True).stdout
    for name in ("applications.ndjson", "live.ndjson"):
        with open(os.path.join(d, name), "wb") as f:
            f.write(apps)
    os.symlink(bindir, os.path.join(d, "cli"))  # the README runs cli/jm-* from the tree's top


def run_example(where, cmd, mk, inputs, env):
    if mk and mk[0] == "skip":
        print("skip %s: %s (%s)" % (where, cmd, mk[3] or "marked"))
        return
    work = tempfile.mkdtemp(prefix="jm-doc-example-")
    try:
        for name in os.listdir(inputs):
            src = os.path.join(inputs, name)
            if os.path.islink(src):
                os.symlink(os.readlink(src), os.path.join(work, name))
            else:
                shutil.copy(src, os.path.join(work, name))
        p = subprocess.Popen(["bash", "-o", "pipefail", "-c", cmd], cwd=work, env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, start_new_session=True)
        limit = mk[1] if mk and mk[0] == "stop" else EXAMPLE_TIMEOUT
        try:
            _, err = p.communicate(timeout=limit)
            if mk and mk[0] == "stop":
                fail("%s: `%s` ended by itself (status %d) before %d s, but the page says it "
                     "keeps running" % (where, cmd, p.returncode, limit))
                return
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                _, err = p.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                _, err = p.communicate()
            if not (mk and mk[0] == "stop"):
                fail("%s: `%s` still running after %d s" % (where, cmd, limit))
                return
            # Stopped as intended: the tools end on SIGTERM with status 0, or by the signal.
            if p.returncode not in (0, -signal.SIGTERM, 128 + signal.SIGTERM):
                fail("%s: `%s` exited %d when stopped" % (where, cmd, p.returncode))
                return
            ok()
            return
        if p.returncode != 0:
            last = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
            fail("%s: `%s` exited %d: %s (if it cannot run in a test, mark it; see "
                 "build-aux/check-docs.py)" % (where, cmd, p.returncode, last[0][:200]))
            return
        ok()
    finally:
        # Anything the command left running in its session is stopped.
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, UnboundLocalError):
            pass
        shutil.rmtree(work, ignore_errors=True)


def check_examples(bindir):
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""),
               LC_ALL="C", NO_COLOR="1", SOURCE_DATE_EPOCH="1767225600")
    env.pop("JM_PLUGIN_PATH", None)
    inputs = tempfile.mkdtemp(prefix="jm-doc-inputs-")
    try:
        make_inputs(inputs, bindir)
        for where, cmd, mk in readme_examples() + man_examples():
            t0 = time.monotonic()
            run_example(where, cmd, mk, inputs, env)
            if os.environ.get("JM_DOCS_VERBOSE"):
                print("ran %s in %.1f s" % (where, time.monotonic() - t0))
    finally:
        shutil.rmtree(inputs, ignore_errors=True)


def main(argv):
    bindir = os.path.join(SRC, "cli")
    args = list(argv)
    if args[:1] == ["--bin"]:
        bindir = os.path.abspath(args[1])
        args = args[2:]
    checks = args or ["options", "functions", "taxonomy", "pointers", "examples"]
    for c in checks:
        if c == "options":
            check_options(bindir)
        elif c == "functions":
            check_functions()
        elif c == "taxonomy":
            check_taxonomy()
        elif c == "pointers":
            check_pointers()
        elif c == "examples":
            check_examples(bindir)
        else:
            print("check-docs.py: unknown check %r" % c, file=sys.stderr)
            return 2
    print("check-docs: %d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
