#!/usr/bin/env python3
"""vocab2c: compiles the generator's vocabulary into libjobmatch/vocab_data.c.

Reads libjobmatch/data/seed-vocab.json (the reference pipeline's vocabulary) and
libjobmatch/data/vocab-weights.json (our weights that the reference lacks), checks that they fit
together, and writes C tables with every string pre-encoded the three ways the generator writes
it (JSON literal, CSV cell, Python repr for list cells), so generation never escapes text.

    build-aux/vocab2c.py            rewrite libjobmatch/vocab_data.c
    build-aux/vocab2c.py --check    exit 1 when the committed file is out of date
"""
import json
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
VOCAB = os.path.join(ROOT, "libjobmatch", "data", "seed-vocab.json")
WEIGHTS = os.path.join(ROOT, "libjobmatch", "data", "vocab-weights.json")
OUT = os.path.join(ROOT, "libjobmatch", "vocab_data.c")


def fail(msg):
    sys.stderr.write("vocab2c: %s\n" % msg)
    sys.exit(2)


def json_literal(s):
    """The exact bytes jm_write_json_string() writes for s."""
    out = ['"']
    short = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
             "\f": "\\f"}
    for ch in s:
        if ch in short:
            out.append(short[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def csv_cell(s):
    """A CSV cell as Python's csv module writes it (QUOTE_MINIMAL)."""
    if any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def py_item(s):
    """Python's repr of s, with CSV quotes doubled: a list cell is always quoted when any item
    holds a quote, so the doubled form is the one written."""
    r = repr(s)
    # Our reader understands only \\ and \' (and \" ) escapes in Python-style lists.
    body = r[1:-1]
    if re.search(r"\\[^\\'\"]", body):
        fail("string %r needs a Python escape the CSV reader does not read" % s)
    return r.replace('"', '""')


def c_string(s):
    """s as a C string literal (UTF-8 bytes, octal escapes for anything unusual)."""
    return c_bytes(s.encode("utf-8"))


def c_bytes(data):
    """Bytes as a C string literal."""
    out = ['"']
    for b in data:
        c = chr(b)
        if c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F and c != "?":
            out.append(c)
        else:
            out.append("\\%03o" % b)
    out.append('"')
    return "".join(out)


class Pool:
    """Every distinct string once; tables refer to strings by index."""

    def __init__(self):
        self.index = {}
        self.items = []

    def add(self, s):
        if not isinstance(s, str) or not s:
            fail("expected a non-empty string, got %r" % (s,))
        if s not in self.index:
            self.index[s] = len(self.items)
            self.items.append(s)
        return self.index[s]


def first_int(s):
    m = re.search(r"\d+", s)
    if not m:
        fail("no number in years text %r" % s)
    return int(m.group(0))


def build():
    with open(VOCAB, encoding="utf-8") as f:
        v = json.load(f)
    with open(WEIGHTS, encoding="utf-8") as f:
        w = json.load(f)
    pool = Pool()
    idx = []  # shared index array; ranges point into it

    def rng(strings):
        off = len(idx)
        for s in strings:
            idx.append(pool.add(s))
        return (off, len(strings))

    out = []
    emit = out.append

    # ---- levels: the keys of salary_ranges_per_year, in file order -------------------------
    levels = list(v["salary_ranges_per_year"].keys())
    level_id = {name: i for i, name in enumerate(levels)}
    kw = v["matching_keywords"]
    level_keyword = {}
    for key, level in kw.items():
        if level not in level_id:
            fail("matching keyword %r names unknown level %r" % (key, level))
        level_keyword[level] = key
    years_rows = []  # (string, min years)
    level_rows = []
    for name in levels:
        sal = v["salary_ranges_per_year"][name]
        group = v["level_to_years"].get(name)
        if group not in v["experience_years"]:
            fail("level %r has no experience_years group" % name)
        ys = v["experience_years"][group]
        yoff = len(years_rows)
        for y in ys:
            years_rows.append((pool.add(y), first_int(y)))
        key = level_keyword.get(name)
        types = v["employment_rules"][key] if key else v["employment_types"]
        level_rows.append((pool.add(name), sal["min"], sal["max"], (yoff, len(ys)), rng(types),
                           key is not None))

    # ---- categories and titles ---------------------------------------------------------------
    cats = list(v["job_titles"].keys())
    if len(cats) != 20:
        fail("expected 20 categories, found %d" % len(cats))
    title_rows = []
    cat_levels = []
    cat_rows = []
    title_kw = dict(kw)
    for k, lv in w["title_keywords"]["keywords"].items():
        if lv not in level_id:
            fail("title keyword %r names unknown level %r" % (k, lv))
        title_kw[k] = lv
    word = {k: re.compile(r"(?<![A-Za-z])" + re.escape(k) + r"(?![A-Za-z])") for k in title_kw}
    for c in cats:
        toff = len(title_rows)
        for t in v["job_titles"][c]:
            # The title's level: the matching keyword found earliest in it, as a whole word.
            best = None
            for k, rx in word.items():
                m = rx.search(t)
                if m and (best is None or m.start() < best[0]):
                    best = (m.start(), k)
            title_rows.append((pool.add(t), level_id[title_kw[best[1]]] if best else -1))
        loff = len(cat_levels)
        for lv in v["category_to_experience"][c]:
            if lv not in level_id:
                fail("category %r allows unknown level %r" % (c, lv))
            cat_levels.append(level_id[lv])
        cmin, cmax = v["num_certifications_needed"][c]
        nskills = v["num_skills_needed"][c]
        if nskills > len(v["jobs_skills"][c]) or cmax > len(v["job_certifications"][c]):
            fail("category %r wants more skills or certifications than it lists" % c)
        cat_rows.append((pool.add(c), (toff, len(v["job_titles"][c])), rng(v["jobs_skills"][c]),
                         rng(v["job_certifications"][c]), (loff, len(cat_levels) - loff), nskills,
                         cmin, cmax))

    # ---- places ------------------------------------------------------------------------------
    regions = w["industry_regions"]["regions"]
    if sorted(regions) != sorted(v["location"].keys()):
        fail("vocab-weights regions differ from seed-vocab locations")
    city_rows = []
    region_rows = []
    for r in regions:
        off = len(city_rows)
        for place in v["location"][r]:
            city, _, country = place.rpartition(",")
            city, country = city.strip(), country.strip()
            langs = v["country_languages"].get(country)
            if not langs:
                fail("country %r has no languages" % country)
            city_rows.append((pool.add(city), pool.add(country), rng(langs)))
        region_rows.append((pool.add(r), (off, len(v["location"][r]))))
    group_of = {}
    for g in w["industry_regions"]["groups"]:
        if len(g["weights"]) != len(regions):
            fail("group %r needs %d weights" % (g["name"], len(regions)))
        for ind in g["industries"]:
            if ind in group_of:
                fail("industry %r is in two groups" % ind)
            group_of[ind] = g
    industry_rows = []
    for ind in v["industries"]:
        if ind not in group_of:
            fail("industry %r is in no group of vocab-weights.json" % ind)
        industry_rows.append((pool.add(ind), group_of[ind]["weights"]))
    extra = set(group_of) - set(v["industries"])
    if extra:
        fail("vocab-weights.json names unknown industries %s" % sorted(extra))

    # ---- people ------------------------------------------------------------------------------
    edu = v["education_levels"]
    edu_rows = []
    last_age = -1
    for g in w["education_by_age"]["groups"]:
        if len(g["weights"]) != len(edu) or g["max_age"] <= last_age:
            fail("education_by_age groups must have %d weights and rising ages" % len(edu))
        last_age = g["max_age"]
        edu_rows.append((g["max_age"], g["weights"]))
    prev_rows = [(r["min_years"], r["count"][0], r["count"][1])
                 for r in w["previous_companies_by_years"]["rows"]]
    if prev_rows[0][0] != 0 or any(a[0] >= b[0] for a, b in zip(prev_rows, prev_rows[1:])):
        fail("previous_companies_by_years must start at 0 and rise")
    gpa = [round(x * 10) for x in v["Gpa"]]

    lists = {
        "companies": rng(v["top_300_unique"]),
        "industries": rng(v["industries"]),
        "platforms": rng(v["job_posting_platforms"]),
        "apply_methods": rng(v["apply_methods"]),
        "work_modes": rng(v["work_modes"]),
        "employment_types": rng(v["employment_types"]),
        "education_levels": rng(edu),
        "male_names": rng(v["male_names"]),
        "female_names": rng(v["female_names"]),
        "nationalities": rng(v["nationalities"]),
    }
    for key in ("male", "female"):
        pool.add(key)
    for s_ in pool.items:
        if any(ord(ch) < 0x20 for ch in s_):
            fail("string %r holds a control character" % s_)
        if len(json_literal(s_).encode()) > 200 or len(py_item(s_).encode()) > 200:
            fail("string %r is too long for the generator's line bound" % s_)
    for city, country, _ in city_rows:
        if '"' in pool.items[city] + pool.items[country]:
            fail("a city or country holds a quote")
    for rg in [r[2] for r in cat_rows] + [lists["companies"], lists["industries"]]:
        if rg[1] > 512:
            fail("a list is longer than the generator's 512-entry sampler")
    if len(pool.items) > 65535:
        fail("too many strings")

    # ---- C text --------------------------------------------------------------------------
    emit("/* The generator's vocabulary: generated by build-aux/vocab2c.py from libjobmatch/data/")
    emit(" * seed-vocab.json and vocab-weights.json. Do not edit; make regenerates it. */")
    emit('#include "vocab.h"')
    emit("")
    # Every encoding lives in one padded array, so the writers may copy in 16-byte blocks that
    # run past a string's end without leaving the array.
    blob = bytearray()
    rows = []
    for s_ in pool.items:
        j, c, p = json_literal(s_), csv_cell(s_), py_item(s_)
        special = int(any(ch in p for ch in ',"\r\n'))
        offs = []
        for text in (s_, j, c, p):
            offs.append((len(blob), len(text.encode())))
            blob += text.encode() + b"\0"
        rows.append((offs, special))
    blob += b"\0" * 64
    emit("const char jm__vblob[%d] =" % len(blob))
    for i in range(0, len(blob), 96):
        emit("    " + c_bytes(blob[i:i + 96]))
    emit("    ;")
    emit("")
    emit("const jm__vstr jm__vs[%d] = {" % len(pool.items))
    for offs, special in rows:
        emit("    {jm__vblob + %d, jm__vblob + %d, jm__vblob + %d, jm__vblob + %d, %d, %d, %d, %d, %d}," % (
            offs[0][0], offs[1][0], offs[2][0], offs[3][0], offs[0][1], offs[1][1], offs[2][1],
            offs[3][1], special))
    emit("};")
    emit("const unsigned jm__vs_count = %d;" % len(pool.items))
    emit("")
    emit("const uint16_t jm__vidx[%d] = {" % max(1, len(idx)))
    for i in range(0, len(idx), 16):
        emit("    " + ", ".join(str(x) for x in idx[i:i + 16]) + ",")
    emit("};")
    emit("")
    emit("const jm__vyears jm__vyears_tab[%d] = {" % len(years_rows))
    for s, y in years_rows:
        emit("    {%d, %d}," % (s, y))
    emit("};")
    emit("")
    emit("const jm__vlevel jm__vlevels[JM__VLEVELS] = {")
    for name, lo, hi, yr, et, has_rule in level_rows:
        emit("    {%d, %d, %d, {%d, %d}, {%d, %d}, %d}, /* %s */" % (
            name, lo, hi, yr[0], yr[1], et[0], et[1], int(has_rule), pool.items[name]))
    emit("};")
    emit("")
    emit("const jm__vtitle jm__vtitles[%d] = {" % len(title_rows))
    for s, lv in title_rows:
        emit("    {%d, %d}, /* %s -> %s */" % (s, lv, pool.items[s],
                                              levels[lv] if lv >= 0 else "category's levels"))
    emit("};")
    emit("")
    emit("const uint8_t jm__vcat_levels[%d] = {" % len(cat_levels))
    emit("    " + ", ".join(str(x) for x in cat_levels) + ",")
    emit("};")
    emit("")
    emit("const jm__vcategory jm__vcats[JM__VCATS] = {")
    for name, t, sk, ce, lv, ns, cmin, cmax in cat_rows:
        emit("    {%d, {%d, %d}, {%d, %d}, {%d, %d}, {%d, %d}, %d, %d, %d}, /* %s */" % (
            name, t[0], t[1], sk[0], sk[1], ce[0], ce[1], lv[0], lv[1], ns, cmin, cmax,
            pool.items[name]))
    emit("};")
    emit("")
    emit("const jm__vcity jm__vcities[%d] = {" % len(city_rows))
    for city, country, langs in city_rows:
        emit("    {%d, %d, {%d, %d}}," % (city, country, langs[0], langs[1]))
    emit("};")
    emit("")
    emit("const jm__vregion jm__vregions[JM__VREGIONS] = {")
    for name, cities in region_rows:
        emit("    {%d, {%d, %d}}, /* %s */" % (name, cities[0], cities[1], pool.items[name]))
    emit("};")
    emit("")
    emit("const jm__vindustry jm__vindustries[%d] = {" % len(industry_rows))
    for name, weights in industry_rows:
        emit("    {%d, {%s}}, /* %s */" % (name, ", ".join(str(x) for x in weights),
                                          pool.items[name]))
    emit("};")
    emit("")
    emit("const jm__vedu_group jm__vedu_groups[%d] = {" % len(edu_rows))
    for age, weights in edu_rows:
        emit("    {%d, {%s}}," % (age, ", ".join(str(x) for x in weights)))
    emit("};")
    emit("const unsigned jm__vedu_group_count = %d;" % len(edu_rows))
    emit("")
    emit("const jm__vprev jm__vprev_rows[%d] = {" % len(prev_rows))
    for mn, lo, hi in prev_rows:
        emit("    {%d, %d, %d}," % (mn, lo, hi))
    emit("};")
    emit("const unsigned jm__vprev_count = %d;" % len(prev_rows))
    emit("")
    emit("const uint8_t jm__vgpa[%d] = {%s};" % (len(gpa), ", ".join(str(x) for x in gpa)))
    emit("const unsigned jm__vgpa_count = %d;" % len(gpa))
    emit("")
    emit("const jm__vlists jm__vl = {")
    for key in lists:
        emit("    .%s = {%d, %d}," % (key, lists[key][0], lists[key][1]))
    emit("    .male = %d," % pool.index["male"])
    emit("    .female = %d," % pool.index["female"])
    emit("};")
    if len(levels) != 22 or len(regions) != 6:
        fail("vocab.h assumes 22 levels and 6 regions")
    if len(industry_rows) != 50 or len(edu) != 8:
        fail("vocab.h assumes 50 industries and 8 education levels")
    return "\n".join(out) + "\n"


def main():
    text = build()
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        try:
            with open(OUT, encoding="utf-8") as f:
                old = f.read()
        except OSError:
            old = None
        if old != text:
            sys.stderr.write("vocab2c: %s is out of date; run build-aux/vocab2c.py\n" %
                             os.path.relpath(OUT, ROOT))
            return 1
        return 0
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
