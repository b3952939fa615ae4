#!/usr/bin/env python3
"""Independent check of jm-match output against SPEC.md, recomputed from the inputs in Python:
every application's score, components, family, status band, match reason, method, dates and id
shape; and every joined pair at or above the minimum score present exactly once.
Usage: verify.py VOCAB MIN_SCORE OUTPUT INPUT... (inputs: .csv reference exports or NDJSON)."""
import ast, csv, json, math, re, sys
from datetime import datetime, timezone

vocab, min_score, out_path, inputs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
groups = json.load(open(vocab, encoding="utf-8"))["job_family_groups"]
FAMILIES = list(groups)
CAT_FAMS = {}
for i, (fam, cats) in enumerate(groups.items()):
    for c in cats:
        CAT_FAMS.setdefault(c.strip().lower(), set()).add(i)
assert len(FAMILIES) == 14 and len(CAT_FAMS) == 20

RANK = {}
for r, names in enumerate(["Internship", "Entry Level", "Junior",
                           "Associate, Representative, Coordinator, Administrator, Analyst",
                           "Mid Level, Specialist, Engineer, Consultant", "Senior",
                           "Staff, Lead, Architect", "Manager, Principal", "Head, Director, Director/VP",
                           "Vice President", "C-Level Executive (CXO)"], 1):
    for n in ([names] if names.startswith("C-Level") else names.split(", ")):
        RANK[n.lower()] = r

def listcell(v):
    if isinstance(v, list): return v
    v = v.strip()
    if not v: return []
    if v.startswith("["):
        try: return json.loads(v)
        except ValueError: return ast.literal_eval(v)
    if v.startswith("{") and v.endswith("}"):  # PostgreSQL array text, unquoted items only
        return [x.strip() for x in v[1:-1].split(",") if x.strip() and x.strip() != "NULL"]
    raise ValueError(v)

def ts(s):
    s = s.strip().replace(" ", "T")
    if not re.search(r"(Z|[+-]\d\d:?\d\d)$", s): s += "+00:00"
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()

jobs, cands, order = {}, {}, []
def valid(rec, idf):
    """SPEC "Bad input": a string id, lists of strings only; otherwise jm-match rejects it."""
    if not isinstance(rec.get(idf), str) or not rec[idf]: return False
    return all(all(isinstance(x, str) for x in v) for v in rec.values() if isinstance(v, list))

def add(rec):
    kind = rec.get("type") or ("job_post" if "post_id" in rec and "candidate_id" not in rec else
                               "candidate" if "candidate_id" in rec and "post_id" not in rec else None)
    if kind not in ("job_post", "candidate") or not valid(rec, "post_id" if kind == "job_post" else "candidate_id"):
        return
    rec.setdefault("job_category", rec.get("category"))
    if kind == "job_post":
        rec.setdefault("required_skills", rec.get("skills_needed", []))
        if "salary" in rec: rec["salary_max"] = rec["salary_min"] = float(rec["salary"])
        rec.setdefault("job_category", rec.get("category"))
        rec.setdefault("experience_level", rec.get("detailed_experience_level"))
        rec.setdefault("posted_date", rec.get("post_date")); rec.setdefault("deadline_date", rec.get("deadline"))
        if rec["post_id"] not in jobs: jobs[rec["post_id"]] = rec
    else:
        rec.setdefault("experience_level", rec.get("seniority"))
        rec.setdefault("years_experience", rec.get("experience_range"))
        if rec["candidate_id"] not in cands: cands[rec["candidate_id"]] = rec

for path in inputs:
    if path.endswith(".csv"):
        for row in csv.DictReader(open(path, newline="", encoding="utf-8-sig")):
            rec = {k: v for k, v in row.items() if v != ""}
            for k in ("skills_needed", "required_skills", "skills", "certifications"):
                if k in rec: rec[k] = listcell(rec[k])
            for k in ("current_salary", "expected_salary", "salary_max", "salary_min"):
                if k in rec: rec[k] = float(rec[k])
            add(rec)
    else:
        for raw in open(path, "rb"):
            if raw.strip():
                try: rec = json.loads(raw.decode("utf-8"))
                except ValueError: continue  # a bad line: jm-match rejects it too
                if isinstance(rec, dict): add({k: v for k, v in rec.items() if v is not None})

def fams(cat):
    if cat is None: return None, set()
    key = cat.strip().lower()
    if key in CAT_FAMS: return key, CAT_FAMS[key]
    return key, ({"own:" + key} if key else set())

def norm(s): return " ".join(s.split()).lower()

def years(s):
    m = re.search(r"\d+", s or "")
    return int(m.group()) if m else None

def score(c, j, w=(30, 30, 20, 10, 10)):
    ck, cf = fams(c.get("job_category")); jk, jf = fams(j.get("job_category"))
    common = cf & jf
    if not common: return None
    f = [1.0 if ck == jk else 0.5]
    taxo = sorted(x for x in common if isinstance(x, int))
    family = FAMILIES[taxo[0]] if taxo else j["job_category"]
    cs = {norm(s) for s in c.get("skills", [])}; js = {norm(s) for s in j.get("required_skills", [])}
    f.append(len(cs & js) / len(cs | js) if cs | js else 0.0)
    cy, jy = years(c.get("years_experience")), years(j.get("years_experience"))
    f.append(0.5 if cy is None or jy is None else 1.0 if cy >= jy or jy == 0 else 0.75 * cy / jy)
    cr = RANK.get((c.get("experience_level") or "").strip().lower(), 0)
    jr = RANK.get((j.get("experience_level") or "").strip().lower(), 0)
    f.append(0.5 if not cr or not jr else (1.0 if cr - jr <= 3 else 0.5) if cr >= jr else 0.6 * cr / jr)
    offer = j.get("salary_max") if (j.get("salary_max") or 0) > 0 else j.get("salary_min")
    ask = c.get("expected_salary") if (c.get("expected_salary") or 0) > 0 else c.get("current_salary")
    if not offer or offer <= 0 or not ask or ask <= 0: f.append(0.5)
    else:
        r = offer / ask
        f.append(1.0 if r >= 1 else 0.6 if r >= 0.9 else 0.3 if r >= 0.7 else 0.0)
    pts = [wi * fi for wi, fi in zip(w, f)]
    total = 0.0
    for p in pts: total += p
    sc = max(0, min(100, math.floor(total + 0.5)))
    reasons = ["Same job category" if f[0] == 1.0 else "Related job family: " + family]
    shared, seen = [], set()
    for s in j.get("required_skills", []):
        n = norm(s)
        if n in cs and n not in seen: shared.append(s)
        seen.add(n)
    if len(shared) >= 3: reasons.append("Strong skills match in " + ", ".join(shared[:3]))
    elif shared: reasons.append("Shared skills: " + ", ".join(shared))
    if f[2] == 1.0: reasons.append("Meets experience requirements")
    if f[3] == 1.0: reasons.append("Appropriate seniority level")
    if f[4] == 1.0: reasons.append("Salary expectations met")
    return sc, pts, family, "; ".join(reasons)

BANDS = [(75, {"Interview Scheduled", "Applied"}), (60, {"Applied", "Under Review"}),
         (40, {"Applied", "Not a Fit"}), (0, {"Rejected", "Not a Fit"})]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
seen, ids, bad, n = set(), {}, 0, 0
def fail(msg):
    global bad
    bad += 1
    if bad <= 10: print("MISMATCH", msg)
for line in open(out_path, encoding="utf-8"):
    a = json.loads(line)
    if a.get("type") != "application": continue
    n += 1
    key = (a["candidate_id"], a["post_id"])
    if key in seen: fail("pair twice %s" % (key,))
    seen.add(key)
    c, j = cands[key[0]], jobs[key[1]]
    want = score(c, j)
    if want is None: fail("not joined %s" % (key,)); continue
    sc, pts, family, reason = want
    if a["compatibility_score"] != sc: fail("score %s: %s != %s" % (key, a["compatibility_score"], sc))
    comp = a["components"]
    for name, p in zip(("category", "skills", "experience", "seniority", "salary"), pts):
        if abs(comp[name] - p) > 5e-7: fail("%s %s: %s != %s" % (name, key, comp[name], p))
    if a["job_family"] != family: fail("family %s: %s != %s" % (key, a["job_family"], family))
    band = next(s for lo, s in BANDS if sc >= lo)
    if a["status"] not in band: fail("status %s: %s for %d" % (key, a["status"], sc))
    if a["match_reason"] != reason: fail("reason %s: %r != %r" % (key, a["match_reason"], reason))
    if a.get("application_method") != j.get("application_method"): fail("method %s" % (key,))
    if not UUID.match(a["application_id"]): fail("id %s" % a["application_id"])
    if ids.setdefault(a["application_id"], key) != key: fail("id reused %s" % a["application_id"])
    if j.get("posted_date") and j.get("deadline_date"):
        if not ts(j["posted_date"]) <= ts(a["application_date"]) <= ts(j["deadline_date"]):
            fail("application_date %s" % (key,))
    if sc < min_score: fail("below min score %s" % (key,))
for cid, c in cands.items():
    for pid, j in jobs.items():
        r = score(c, j)
        if r and r[0] >= min_score and (cid, pid) not in seen: fail("missing %s %s (%d)" % (cid, pid, r[0]))
print("verified %d applications, %d mismatches" % (n, bad))
sys.exit(1 if bad else 0)
