"""Tests of the Python binding (bindings/python/jobmatch) against the rules of docs/ and the
tools: it scores a pair exactly as jm-match does, generates a market equal to jm-gen's bytes,
and reports figures equal to jm-report --json.

Run with PYTHONPATH naming the package under test (bindings/python, or an installed copy) and,
optionally, JOBMATCH_LIBRARY naming the library. The tools are taken from $JM_BIN, else from the
build the library belongs to; the test plugin (jm-test.so) from $JM_TEST_PLUGIN, else from that
build. $JM_EXPECT_INSTALLED, when set, is a folder the package and the library must both come
from. tests/cli/bindings-python runs this file against the build tree, make
check-python-installed against an installed copy.
"""

import csv
import ctypes
import dataclasses
import datetime
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
import uuid

import jobmatch
from jobmatch import Application, JobmatchError, Matcher, Record, Reject, Score
from jobmatch import _lib

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
DATA = os.environ.get("JM_DATA") or os.path.join(TOP, "tests", "data")
JOBS = os.path.join(DATA, "jobs-sample.csv")
CANDIDATES = os.path.join(DATA, "candidates-sample.csv")
VOCAB = os.path.join(TOP, "libjobmatch", "data")
EPOCH = 1767225600  # the CLI suite's SOURCE_DATE_EPOCH


def build_dir():
    """The build folder the loaded library belongs to (build/lib/.. or build-X/lib/..)."""
    return os.path.dirname(os.path.dirname(os.path.realpath(jobmatch.library_path)))


def tool_path(name):
    """A tool from $JM_BIN, else from the build the loaded library belongs to."""
    if os.environ.get("JM_BIN"):
        return os.path.join(os.environ["JM_BIN"], name)
    build = build_dir()
    if os.path.basename(build) == "build":
        return os.path.join(os.path.dirname(build), "cli", name)
    return os.path.join(build, "cli", name)


def jm_match_path():
    return tool_path("jm-match")


def run_tool(name, *args, data=None):
    """A tool's standard output (bytes), with the CLI suite's clock."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), LC_ALL="C")
    p = subprocess.run([tool_path(name), *args], input=data, capture_output=True, env=env,
                       check=False)
    if p.returncode != 0:
        raise AssertionError("%s %s failed (%d): %s" % (name, args, p.returncode, p.stderr))
    return p.stdout


def run_jm_match(*args):
    return [json.loads(line) for line in run_tool("jm-match", *args).decode().splitlines()]


def test_plugin_path():
    return os.environ.get("JM_TEST_PLUGIN") or os.path.join(build_dir(), "plugins", "jm-test.so")


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def families():
    with open(os.path.join(VOCAB, "seed-vocab.json"), encoding="utf-8") as f:
        return json.load(f)["job_family_groups"]


def job(**fields):
    return Record(dict({"type": "job_post", "post_id": "J1"}, **fields))


def candidate(**fields):
    return Record(dict({"type": "candidate", "candidate_id": "C1"}, **fields))


class TestLibrary(unittest.TestCase):
    def test_version(self):
        v = jobmatch.version()
        self.assertRegex(v, r"^\d+\.\d+\.\d+$")
        major, minor, patch = (int(x) for x in v.split("."))
        self.assertEqual(jobmatch.version_num(), major << 16 | minor << 8 | patch)

    def test_error_carries_strerror_text(self):
        with self.assertRaises(JobmatchError) as cm:
            Record("{not json")
        e = cm.exception
        self.assertEqual((e.code, e.name), (-3, "JM_ESYNTAX"))
        self.assertIn("malformed JSON", str(e))
        # Without a reader's text, the reason is jm_strerror's.
        dup = JobmatchError(-10)
        self.assertEqual(dup.reason, jobmatch.strerror(-10))
        self.assertTrue(dup.reason)
        self.assertEqual(str(dup), "%s (JM_EDUP)" % dup.reason)


class TestLayouts(unittest.TestCase):
    """The binding's copies of the public structs and codes are the library's (docs/ABI.md)."""

    def test_struct_sizes(self):
        self.assertGreaterEqual(len(_lib.STRUCTS), 11)
        for name, ctype in _lib.STRUCTS.items():
            with self.subTest(struct=name):
                self.assertEqual(jobmatch.struct_size(name), ctypes.sizeof(ctype))
        self.assertEqual(jobmatch.struct_size("jm_record"), 0)  # opaque
        self.assertEqual(jobmatch.struct_size("jm_nonsense"), 0)

    def test_a_wrong_layout_is_refused(self):
        class Short(ctypes.Structure):
            _fields_ = [("struct_size", ctypes.c_size_t)]
        real = _lib.STRUCTS["jm_matcher_stats"]
        _lib.STRUCTS["jm_matcher_stats"] = Short
        try:
            with self.assertRaises(ImportError) as cm:
                _lib._check_library()
            self.assertIn("jm_matcher_stats", str(cm.exception))
            self.assertIn("out of date", str(cm.exception))
        finally:
            _lib.STRUCTS["jm_matcher_stats"] = real
        _lib._check_library()

    def test_error_names(self):
        for code, name in _lib.ERRORS.items():
            self.assertEqual(jobmatch.error_name(code), name)
        self.assertEqual(jobmatch.error_name(min(_lib.ERRORS) - 1), "JM_E?")

    def test_tables_from_the_library(self):
        self.assertEqual(len(jobmatch.fields()), 47)
        self.assertEqual(jobmatch.fields()[:2], ("post_id", "candidate_id"))
        self.assertIn("components.skills", jobmatch.fields("application"))
        self.assertNotIn("gpa", jobmatch.fields("job_post"))
        self.assertEqual(jobmatch.field_type("skills"), "list")
        self.assertEqual(jobmatch.field_type("posted_date"), "time")
        self.assertEqual(jobmatch.lookup_field("job_post", "category"), "job_category")
        self.assertIsNone(jobmatch.lookup_field("job_post", "gpa"))
        self.assertEqual(jobmatch.KINDS, ("job_post", "candidate", "application"))
        self.assertEqual(jobmatch.COMPONENTS,
                         ("category", "skills", "experience", "seniority", "salary"))


def map_symbols():
    with open(os.path.join(TOP, "libjobmatch", "libjobmatch.map"), encoding="utf-8") as f:
        return set(re.findall(r"^\s+(jm_\w+);", f.read(), re.M))


def binding_readme():
    here = os.path.dirname(jobmatch.__file__)
    for path in (os.path.join(here, "..", "README.md"),
                 os.path.join(TOP, "bindings", "python", "README.md")):
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                return f.read()
    raise AssertionError("no bindings/python/README.md")


class TestCoverage(unittest.TestCase):
    """Every exported function is covered by the binding or left out in its README, with why."""

    def test_every_export_covered_or_left_out(self):
        readme = binding_readme()
        left = readme.split("## Left out", 1)[1]
        left_out = dict(re.findall(r"^- `(jm_\w+)`: (.+)", left, re.M))
        table = set(re.findall(r"^\| `(jm_\w+)` \|", readme, re.M))
        exported = map_symbols()
        covered = set(_lib.PROTOTYPES)
        self.assertGreater(len(exported), 100)
        self.assertEqual(sorted(exported - covered - set(left_out)), [],
                         "exported but neither in the binding nor in the README's left-out list")
        self.assertEqual(sorted(covered - exported), [], "declared but not exported")
        self.assertEqual(sorted(covered & set(left_out)), [], "covered and left out at once")
        self.assertEqual(sorted(covered ^ table), [], "the README's table and the binding differ")
        for name, why in left_out.items():
            self.assertGreater(len(why.split()), 5, "%s is left out without a reason" % name)

    def test_every_declared_function_is_used(self):
        # A prototype alone is not coverage: each function is called somewhere in the package.
        here = os.path.dirname(jobmatch.__file__)
        code = ""
        for name in sorted(os.listdir(here)):
            if name.endswith(".py") and name != "_lib.py":
                with open(os.path.join(here, name), encoding="utf-8") as f:
                    code += f.read()
        unused = [n for n in _lib.PROTOTYPES
                  if not re.search(r"_lib\.%s\b" % n, code)
                  and n not in ("jm_struct_size", "jm_version_num", "jm_field_name",
                                "jm_field_type_of", "jm_kind_name", "jm_component_name",
                                "jm_buf_free")]
        self.assertEqual(unused, [])
        self.assertTrue(os.path.exists(os.path.join(here, "py.typed")))


class TestRecord(unittest.TestCase):
    def test_aliases_and_inferred_kind(self):
        # docs/FORMAT.md: no type, post_id only -> job post; aliases; salary sets both ends.
        j = Record({"post_id": "P9", "category": "Consulting", "skills_needed": ["Excel"],
                    "salary": 120, "country": "Peru", "post_date": "2025-11-16 16:33:10"})
        self.assertEqual((j.kind, j.id), ("job_post", "P9"))
        self.assertEqual(j["job_category"], "Consulting")
        self.assertEqual(j["category"], "Consulting")  # a plain alias reads the same field
        self.assertEqual(j["required_skills"], ["Excel"])
        self.assertEqual((j["salary_min"], j["salary_max"]), (120.0, 120.0))
        self.assertEqual(j["location_country"], "Peru")
        self.assertEqual(j["posted_date"], "2025-11-16T16:33:10Z")
        # candidate_id only -> candidate; location splits at the last comma; expected <- current.
        c = Record('{"candidate_id": "K1", "location": "Washington, D.C., USA", '
                   '"current_salary": 90, "date_of_birth": 1990, "GPA": 3.5}\n')
        self.assertEqual(c.kind, "candidate")
        self.assertEqual((c["location_city"], c["location_country"]), ("Washington, D.C.", "USA"))
        self.assertEqual(c["expected_salary"], 90.0)
        self.assertEqual((c["birth_year"], c["gpa"]), (1990, 3.5))

    def test_round_trip(self):
        c = candidate(skills=["A", "b"], years_experience="3-5 years", gpa=3.2,
                      timestamp="2025-01-02T03:04:05.250Z")
        line = c.to_json()
        self.assertNotIn("\n", line)
        d = c.to_dict()
        self.assertEqual(d["type"], "candidate")
        self.assertEqual(d["timestamp"], "2025-01-02T03:04:05.250Z")
        self.assertEqual(Record(line), c)
        self.assertEqual(Record(d), c)
        self.assertEqual(c.clone().to_json(), line)

    def test_field_access(self):
        j = job(company="Acme")
        self.assertIn("company", j)
        self.assertNotIn("industry", j)
        with self.assertRaises(KeyError):
            j["industry"]  # unset
        with self.assertRaises(KeyError):
            j["gpa"]  # not a job post field
        self.assertIsNone(j.get("industry"))
        self.assertEqual(j.get("nonsense", 7), 7)
        j["industry"] = "Retail"
        j["required_skills"] = ["Go", "SQL"]
        j["posted_date"] = "2025-03-01"
        j["deadline_date"] = 1741219200000  # milliseconds: 2025-03-06
        self.assertEqual(j["industry"], "Retail")
        self.assertEqual(j["required_skills"], ["Go", "SQL"])
        self.assertEqual(j["posted_date"], "2025-03-01T00:00:00Z")
        self.assertEqual(j["deadline_date"], "2025-03-06T00:00:00Z")
        self.assertEqual(j.fields()[:3], ["post_id", "company", "industry"])
        del j["industry"]
        self.assertNotIn("industry", j)
        with self.assertRaises(JobmatchError) as cm:
            j["posted_date"] = "yesterday"
        self.assertEqual(cm.exception.name, "JM_EVALUE")
        self.assertIn("'yesterday' is not an ISO-8601 time", str(cm.exception))
        with self.assertRaises(TypeError):
            j["required_skills"] = "Go"

    def test_bad_records(self):
        for line, name in (('{"post_id": 7}', "JM_ETYPE"),
                           ('{"post_id": "a", "required_skills": ["x", 1]}', "JM_ETYPE"),
                           ('{"type": "robot", "post_id": "a"}', "JM_EKIND"),
                           ('{"type": "job_post", "company": "x"}', "JM_ENOID"),
                           ('[1, 2]', "JM_ESYNTAX"),
                           (b'{"post_id": "\xff"}', "JM_EUTF8")):
            with self.subTest(line=line):
                with self.assertRaises(JobmatchError) as cm:
                    Record(line)
                self.assertEqual(cm.exception.name, name)

    def test_close(self):
        with job() as j:
            self.assertEqual(j.id, "J1")
        with self.assertRaises(ValueError):
            j.kind
        j.close()  # twice is fine


class TestScoring(unittest.TestCase):
    def shared_family_pair(self):
        """Two different categories in a family, and that first family in taxonomy order."""
        groups = families()
        for fam, cats in groups.items():
            for a in cats:
                for b in cats:
                    if a != b:
                        first = next(f for f, cs in groups.items() if a in cs and b in cs)
                        return a, b, first
        raise AssertionError("no family holds two categories")

    def test_hand_made_pair(self):
        a, b, family = self.shared_family_pair()
        c = candidate(job_category="  %s " % a.upper(), skills=[" python ", "SQL", "r", "R"],
                      years_experience="3-5 years", experience_level="junior",
                      expected_salary=100000)
        j = job(job_category=b, required_skills=["Python", "sql", "Excel"],
                years_experience="5-8 years", experience_level="Senior", salary_min=80000,
                salary_max=90000)
        s = jobmatch.score_pair(c, j)
        # category: different categories in a family, 0.5. skills: {python, sql, r} vs
        # {python, sql, excel}: 2 / 4. experience: 0.75 * 3 / 5. seniority: Junior 3 < Senior 6:
        # 0.6 * 3 / 6. salary: 90000 / 100000 = 0.9 -> 0.6.
        want = {"category": 0.5, "skills": 0.5, "experience": 0.45, "seniority": 0.3,
                "salary": 0.6}
        for k, f in want.items():
            self.assertAlmostEqual(getattr(s.fractions, k), f, msg=k)
        points = {"category": 15, "skills": 15, "experience": 9, "seniority": 3, "salary": 6}
        for k, p in points.items():
            self.assertAlmostEqual(getattr(s.points, k), p, msg=k)
        self.assertEqual(s.score, 48)
        self.assertEqual(s.family, family)
        self.assertEqual(s.shared_skills, 2)
        # The same pair under other weights: points are weight x fraction.
        s2 = jobmatch.score_pair(c, j, weights={"skills": 0, "salary": 50})
        self.assertEqual(s2.points.skills, 0)
        self.assertAlmostEqual(s2.points.salary, 30)
        self.assertEqual(s2.score, 57)  # 15 + 0 + 9 + 3 + 30
        self.assertEqual(jobmatch.score_pair(c, j, weights="skills=0,salary=50"), s2)
        self.assertEqual(jobmatch.score_pair(c, j, weights=[30, 0, 20, 10, 50]), s2)
        with self.assertRaises(ValueError):
            jobmatch.score_pair(c, j, weights={"charm": 5})
        with self.assertRaises(JobmatchError):
            jobmatch.score_pair(c, j, weights="charm=5")

    def test_rules(self):
        # Same category, equal skills, candidate far above the job, pay met: 30+30+20+5+10.
        c = candidate(job_category="Consulting", skills=["Excel"], years_experience="10+ years",
                      experience_level="Director", current_salary=50)
        j = job(job_category="consulting", required_skills=["excel"],
                years_experience="0 years", experience_level="Entry Level", salary_min=60)
        s = jobmatch.score_pair(c, j)
        self.assertEqual(s.fractions.to_dict(), {"category": 1, "skills": 1, "experience": 1,
                                          "seniority": 0.5, "salary": 1})
        self.assertEqual(s.score, 95)
        # Unknowns score 0.5, both skill lists empty score 0; offer/ask 0.7 -> 0.3, below -> 0.
        c = candidate(job_category="Consulting", expected_salary=100)
        j = job(job_category="Consulting", salary_max=70)
        s = jobmatch.score_pair(c, j)
        self.assertEqual(s.fractions.to_dict(), {"category": 1, "skills": 0, "experience": 0.5,
                                          "seniority": 0.5, "salary": 0.3})
        self.assertEqual(s.score, 48)  # 30 + 0 + 10 + 5 + 3
        j["salary_max"] = 69.9
        self.assertEqual(jobmatch.score_pair(c, j).fractions.salary, 0)
        # Rounding: floor(sum + 0.5). 30 + 0 + 10 + 5 + 0 + skills 1/3 * 30 = 55 exactly;
        # weights that sum to x.5 round up.
        s = jobmatch.score_pair(c, j, weights={"seniority": 11})
        self.assertEqual(s.score, 46)  # 30 + 10 + 5.5 = 45.5 -> 46

    def test_families(self):
        groups = families()
        cats = sorted({c for cs in groups.values() for c in cs})
        # Two categories with no family in common are not joined.
        apart = next((a, b) for a in cats for b in cats
                     if not any(a in cs and b in cs for cs in groups.values()))
        self.assertIsNone(jobmatch.score_pair(candidate(job_category=apart[0]),
                                              job(job_category=apart[1])))
        # A category in no family is a family of its own, named after it.
        s = jobmatch.score_pair(candidate(job_category=" basket weaving"),
                                job(job_category="Basket Weaving"))
        self.assertEqual(s.family.lower(), "basket weaving")
        self.assertEqual(s.fractions.category, 1)
        self.assertIsNone(jobmatch.score_pair(candidate(job_category="Basket Weaving"),
                                              job(job_category="Pottery")))
        with self.assertRaises(JobmatchError) as cm:
            jobmatch.score_pair(job(), candidate())  # kinds swapped
        self.assertEqual(cm.exception.name, "JM_EINVAL")
        self.assertIn("the arguments are swapped: the first is job post J1 and the second "
                      "candidate C1", str(cm.exception))
        with self.assertRaises(JobmatchError) as cm:
            jobmatch.score_pair(candidate(), candidate(candidate_id="C2"))
        self.assertIn("the second must be a job_post, not a candidate", str(cm.exception))
        app = jobmatch.make_application(candidate(job_category="Consulting"),
                                        job(job_category="Consulting"), time_ms=0)
        with self.assertRaises(JobmatchError) as cm:
            jobmatch.make_application(app.to_record(), job())
        self.assertIn("the first argument must be a candidate, not an application",
                      str(cm.exception))

    def test_application_id(self):
        a = jobmatch.application_id("C1", "J1")
        self.assertEqual(a, jobmatch.application_id("C1", "J1"))
        self.assertEqual(str(uuid.UUID(a)), a)
        self.assertNotEqual(a, jobmatch.application_id("J1", "C1"))
        self.assertNotEqual(a, jobmatch.application_id("C1", "J2"))
        # Whichever process computes it: another interpreter, and the jm-match tool.
        code = "import jobmatch; print(jobmatch.application_id('C1', 'J1'))"
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
        self.assertEqual(other.stdout.decode().strip(), a)
        inp = ('{"post_id":"J1","job_category":"Consulting"}\n'
               '{"candidate_id":"C1","job_category":"Consulting"}\n')
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
        out = subprocess.run([jm_match_path(), "--min-score", "0"], input=inp.encode(),
                             capture_output=True, env=env, check=True).stdout
        self.assertEqual(json.loads(out)["application_id"], a)

    def test_status(self):
        u = jobmatch.status_draw(0, "C1", "J1")
        self.assertTrue(0 <= u < 1)
        self.assertEqual(u, jobmatch.status_draw(0, "C1", "J1"))
        draws = {jobmatch.status_draw(seed, "C1", "J1") for seed in range(20)}
        self.assertGreater(len(draws), 15)  # the seed matters
        cases = [(100, 0.0, "Interview Scheduled"), (75, 0.5999, "Interview Scheduled"),
                 (75, 0.6, "Applied"), (74, 0.6999, "Applied"), (60, 0.7, "Under Review"),
                 (59, 0.4999, "Applied"), (40, 0.5, "Not a Fit"), (39, 0.7999, "Rejected"),
                 (0, 0.8, "Not a Fit")]
        for score, u, status in cases:
            self.assertEqual(jobmatch.status_for(score, u), status, (score, u))

    def test_make_application(self):
        c = candidate(job_category="Consulting", skills=["Excel", "Strategy", "Audit", "Tax"],
                      years_experience="5-8 years", experience_level="Senior",
                      current_salary=100, timestamp="2025-01-05T00:00:00Z")
        j = job(job_category="Consulting", required_skills=["Tax", "Audit", "Strategy", "Excel"],
                years_experience="3-5 years", experience_level="Senior", salary_max=120,
                application_method="Email", posted_date="2025-01-01T00:00:00Z",
                deadline_date="2025-01-31T00:00:00Z", timestamp="2025-01-02T00:00:00Z")
        app = jobmatch.make_application(c, j, seed=3)
        self.assertIsInstance(app, Application)
        d = app.to_dict()
        self.assertEqual(d["application_id"], jobmatch.application_id("C1", "J1"))
        self.assertEqual((d["candidate_id"], d["post_id"]), ("C1", "J1"))
        self.assertEqual(d["compatibility_score"], 100)
        self.assertEqual(d["components"], {"category": 30, "skills": 30, "experience": 20,
                                           "seniority": 10, "salary": 10})
        self.assertEqual(d["status"], jobmatch.status_for(100, jobmatch.status_draw(3, "C1", "J1")))
        self.assertEqual(d["match_reason"],
                         "Same job category; Strong skills match in Tax, Audit, Strategy; "
                         "Meets experience requirements; Appropriate seniority level; "
                         "Salary expectations met")
        self.assertEqual(d["application_method"], "Email")
        self.assertTrue("2025-01-01T00:00:00Z" <= d["application_date"] <= "2025-01-31T00:00:00Z")
        self.assertEqual(d["timestamp"], "2025-01-05T00:00:00Z")  # the later of the two
        self.assertEqual(app.components.skills, 30.0)
        self.assertEqual(app.timestamp, datetime.datetime(2025, 1, 5, tzinfo=datetime.timezone.utc))
        self.assertEqual(json.loads(app.to_json()), d)
        with self.assertRaises(dataclasses.FrozenInstanceError):
            app.status = "Applied"
        self.assertEqual(app, jobmatch.make_application(c, j, seed=3))  # values, not handles
        self.assertIsNone(jobmatch.make_application(candidate(job_category="Basket Weaving"), j))


def sample_records():
    return list(jobmatch.read_csv(read_file(JOBS), JOBS)) + \
        list(jobmatch.read_csv(read_file(CANDIDATES), CANDIDATES))


class TestScorer(unittest.TestCase):
    def test_same_as_make_application(self):
        recs = sample_records()
        jobs, cands = recs[:40], recs[300:340]
        n = 0
        with jobmatch.Scorer(seed=3, min_score=50, time_ms=EPOCH * 1000,
                             weights={"skills": 40}) as sc:
            for c in cands:
                for j in jobs:
                    want = jobmatch.make_application(c, j, seed=3, time_ms=EPOCH * 1000,
                                                     weights={"skills": 40})
                    if want is not None and want.compatibility_score < 50:
                        want = None
                    self.assertEqual(sc.application(c, j), want)
                    line = sc.json(c, j)
                    self.assertEqual(line, None if want is None else want.to_json())
                    n += want is not None
            self.assertGreater(n, 100)
            with self.assertRaises(JobmatchError) as cm:
                sc.json(jobs[0], cands[0])
            self.assertIn("the arguments are swapped", str(cm.exception))
            with self.assertRaises(TypeError):
                sc.json(cands[0].to_json(), jobs[0])
        with self.assertRaises(ValueError):
            sc.json(cands[0], jobs[0])  # closed

class TestMatcher(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.records = sample_records()

    def match(self, **options):
        with Matcher(**options) as m:
            apps = m.add_all(self.records, time_ms=EPOCH * 1000)
            self.assertTrue(all(isinstance(a, Application) for a in apps))
            return [a.to_dict() for a in apps], m.stats()

    def test_same_as_jm_match(self):
        apps, stats = self.match()
        want = run_jm_match(JOBS, CANDIDATES)
        self.assertGreater(len(want), 100)
        head = [(a["application_id"], a["compatibility_score"]) for a in apps[:100]]
        self.assertEqual(head, [(a["application_id"], a["compatibility_score"])
                                for a in want[:100]])
        self.assertEqual(apps, want)  # every field of every application, in order
        self.assertEqual(stats.applications, len(want))
        self.assertEqual((stats.held_jobs, stats.held_candidates), (300, 300))

    def test_same_bytes_as_jm_match(self):
        want = run_tool("jm-match", JOBS, CANDIDATES)
        with Matcher() as m:
            apps = list(m.match(self.records, EPOCH * 1000))
        for a, line in zip(apps[:200], want.splitlines()[:200]):
            self.assertEqual(a.to_json().encode(), line)
        for threads in (1, 2):
            chunks = []
            with jobmatch.NdjsonMatcher(threads=threads, on_ndjson=chunks.append) as m:
                for r in self.records:
                    self.assertEqual(m.add(r, EPOCH * 1000), b"")
            self.assertEqual(b"".join(chunks), want, threads)
        with jobmatch.NdjsonMatcher() as m:
            self.assertEqual(b"".join(m.add(r, EPOCH * 1000) for r in self.records), want)

    def test_options_same_as_jm_match(self):
        # jm-match takes weights that sum to 100 only.
        apps, _ = self.match(top_k=2, seed=7, min_score=50, weights={"skills": 40, "category": 20})
        want = run_jm_match("--top", "2", "--seed", "7", "--min-score", "50",
                            "--weights", "skills=40,category=20", JOBS, CANDIDATES)
        self.assertEqual(apps, want)

    def test_each_joined_pair_once(self):
        apps, stats = self.match()
        pairs = [(a["candidate_id"], a["post_id"]) for a in apps]
        self.assertEqual(len(pairs), len(set(pairs)))
        self.assertEqual(len({a["application_id"] for a in apps}), len(apps))
        # Every joined pair scoring at least 30, found the slow way, and nothing else.
        jobs = [r for r in self.records if r.kind == "job_post"]
        cands = [r for r in self.records if r.kind == "candidate"]
        want, joined = {}, 0
        for c in cands:
            for j in jobs:
                s = jobmatch.score_pair(c, j)
                if s is not None:
                    joined += 1
                    if s.score >= 30:
                        want[(c.id, j.id)] = s.score
        self.assertEqual(stats.pairs_scored, joined)
        self.assertEqual({(a["candidate_id"], a["post_id"]): a["compatibility_score"]
                          for a in apps}, want)

    def test_ownership_duplicates_and_kinds(self):
        j = job(job_category="Consulting")
        c = candidate(job_category="Consulting", timestamp="2025-01-01T00:00:00Z")
        with Matcher(min_score=0) as m:
            self.assertEqual(m.add(j, time_ms=1735689600000), [])
            self.assertEqual(j.id, "J1")  # still the caller's
            apps = m.add(c.to_json())
            self.assertEqual(len(apps), 1)
            self.assertEqual(apps[0].application_id, jobmatch.application_id("C1", "J1"))
            self.assertEqual(m.add({"post_id": "J1"}), [])  # a duplicate id
            with self.assertRaises(JobmatchError) as cm:
                m.add(jobmatch.make_application(c, j).to_record())
            self.assertEqual(cm.exception.name, "JM_EKIND")
            self.assertIn("job posts and candidates only", str(cm.exception))
            s = m.stats()
            self.assertIsInstance(s, jobmatch.MatcherStats)
            self.assertEqual((s.records, s.duplicates, s.applications), (4, 1, 1))
            self.assertEqual(s.watermark_ms, 1735689600000 - 120000)
        with Matcher() as m:
            self.assertIsNone(m.stats().watermark_ms)
        with self.assertRaises(ValueError):
            m.add(j)
        with self.assertRaises(ValueError):
            Matcher(min_score=-1)

    def test_failing_application_callback(self):
        # An exception while an application is handed over stops the add; the record stays the
        # matcher's alone, so closing frees it once (checked under ASan by make check-san).
        import jobmatch.matcher as matcher_module
        with Matcher(min_score=0) as m:
            m.add(job(job_category="Consulting"), time_ms=0)
            real = matcher_module.application_from

            def failing(app):
                raise RuntimeError("stop here")
            matcher_module.application_from = failing
            try:
                with self.assertRaises(RuntimeError):
                    m.add(candidate(job_category="Consulting"), time_ms=0)
            finally:
                matcher_module.application_from = real
            self.assertEqual(m.stats().held_candidates, 1)
            self.assertEqual(m.add({"candidate_id": "C1"}, time_ms=0), [])  # a duplicate now

    def test_state_ttl(self):
        # A candidate more than the TTL behind the newest event has left state.
        with Matcher(min_score=0, state_ttl_ms=1000, lateness_ms=0) as m:
            m.add(candidate(job_category="Consulting", timestamp="2025-01-01T00:00:00Z"))
            m.add(candidate(candidate_id="C2", job_category="Consulting",
                            timestamp="2025-01-01T00:00:10Z"))
            apps = m.add(job(job_category="Consulting", timestamp="2025-01-01T00:00:10Z"))
            self.assertEqual([a.candidate_id for a in apps], ["C2"])
            self.assertEqual(m.stats().evicted, 1)


class TestReaders(unittest.TestCase):
    def test_samples(self):
        for path, kind, id_col in ((JOBS, "job_post", "post_id"),
                                   (CANDIDATES, "candidate", "candidate_id")):
            with self.subTest(path=path):
                rejects = []
                recs = list(jobmatch.read_csv(read_file(path), path, rejects=rejects))
                self.assertEqual(len(recs), 300)
                self.assertEqual(rejects, [])
                self.assertEqual({r.kind for r in recs}, {kind})
                with open(path, newline="", encoding="utf-8") as f:
                    ids = [row[id_col] for row in csv.DictReader(f)]
                self.assertEqual([r.id for r in recs], ids)
                self.assertEqual(recs[0].line, 2)
                # a file object read in chunks gives the same records
                with open(path, "rb") as f:
                    again = list(jobmatch.read_csv(f, path))
                self.assertEqual([r.to_json() for r in again], [r.to_json() for r in recs])

    def test_bad_line_reported_with_line_number(self):
        text = ('{"post_id": "J1"}\n'
                '\n'
                '{"candidate_id": "C1"}\n'
                '{"post_id": "J2", oops}\n'
                '{"candidate_id": 5}\r\n'
                '{"post_id": "J3"}')  # no final newline
        items = list(jobmatch.read_ndjson(text, "in.ndjson"))
        self.assertEqual([type(i).__name__ for i in items],
                         ["Record", "Record", "Reject", "Reject", "Record"])
        self.assertEqual([i.line for i in items], [1, 3, 4, 5, 6])
        bad = items[2]
        self.assertEqual(bad.raw, b'{"post_id": "J2", oops}')
        self.assertEqual((bad.source, bad.code), ("in.ndjson", -3))
        self.assertTrue(bad.message.startswith("in.ndjson:4: malformed JSON"), bad.message)
        self.assertEqual(items[3].code, -4)
        self.assertEqual([i.id for i in items if isinstance(i, Record)], ["J1", "C1", "J3"])
        # collected instead of yielded
        rejects = []
        recs = list(jobmatch.read_ndjson(text.encode(), "in.ndjson", rejects=rejects))
        self.assertEqual([r.id for r in recs], ["J1", "C1", "J3"])
        self.assertEqual([(r.line, r.code) for r in rejects], [(4, -3), (5, -4)])
        self.assertIsInstance(rejects[0], Reject)
        # strict: the first bad line raises, naming where
        with self.assertRaises(JobmatchError) as cm:
            list(jobmatch.read_ndjson(text, "in.ndjson", strict=True))
        self.assertEqual((cm.exception.source, cm.exception.line), ("in.ndjson", 4))
        self.assertIn("in.ndjson:4:", str(cm.exception))

    def test_chunks_split_anywhere(self):
        lines = [Record({"post_id": "J%d" % i, "company": "é" * i}).to_json() for i in range(50)]
        data = ("\n".join(lines) + "\n").encode()
        chunks = [data[i:i + 7] for i in range(0, len(data), 7)]  # splits lines and UTF-8
        recs = list(jobmatch.read_ndjson(iter(chunks)))
        self.assertEqual([r.to_json() for r in recs], lines)
        self.assertEqual([r.to_json() for r in jobmatch.read_ndjson(io.StringIO(data.decode()))],
                         lines)

    def test_limit(self):
        rejects = []
        big = '{"post_id": "J1", "company": "%s"}\n{"post_id": "J2"}\n' % ("x" * 200)
        recs = list(jobmatch.read_ndjson(big, rejects=rejects, max_record_bytes=100))
        self.assertEqual([r.id for r in recs], ["J2"])
        self.assertEqual([(r.line, r.code) for r in rejects], [(1, -7)])
        # the over-long line's text comes back whole, however it was split
        line = big.split("\n")[0].encode()
        self.assertEqual(rejects[0].raw, line)
        chunks = [big[i:i + 9] for i in range(0, len(big), 9)]
        rejects = []
        list(jobmatch.read_ndjson(iter(chunks), rejects=rejects, max_record_bytes=100))
        self.assertEqual([r.raw for r in rejects], [line])

    def test_abandoned_generator(self):
        gen = jobmatch.read_csv(read_file(JOBS))
        first = next(gen)
        gen.close()  # frees the reader; the record already yielded stays valid
        self.assertEqual(first.kind, "job_post")
        self.assertTrue(re.match(r"^[0-9a-f-]{36}$", first.id))


class TestAcceptance(unittest.TestCase):
    """What a user checks first: the binding gives the tools' answers (docs/MATCHING.md)."""

    def test_scores_a_pair_exactly_as_jm_match(self):
        # two different categories of one family: 0.5 of the category points
        groups = families()
        a, b = next((a, b) for cats in groups.values() for a in cats for b in cats if a != b)
        j = {"post_id": "J7", "job_category": a, "required_skills": ["Python", "SQL",
             "Statistics", "R"], "years_experience": "3-5 years", "experience_level": "Senior",
             "salary_min": 90000, "salary_max": 120000, "application_method": "Email",
             "posted_date": "2025-02-01T00:00:00Z", "deadline_date": "2025-03-01T00:00:00Z"}
        c = {"candidate_id": "C7", "job_category": b, "skills": ["python", "sql",
             "Docker"], "years_experience": "2-4 years", "experience_level": "Mid Level",
             "expected_salary": 110000}
        data = (json.dumps(j) + "\n" + json.dumps(c) + "\n").encode()
        out = run_tool("jm-match", "--min-score", "0", data=data)
        want = json.loads(out)
        app = jobmatch.make_application(c, j, time_ms=EPOCH * 1000)
        self.assertEqual(app.to_json().encode() + b"\n", out)  # byte for byte
        s = jobmatch.score_pair(c, j)
        self.assertEqual(s.score, want["compatibility_score"])
        self.assertEqual(s.family, want["job_family"])
        self.assertEqual(s.fractions.category, 0.5)
        for name in jobmatch.COMPONENTS:
            self.assertAlmostEqual(getattr(s.points, name), want["components"][name], places=6)

    def test_generates_a_market_equal_to_jm_gen(self):
        for seed, n in ((0, 200), (7, 500)):
            with self.subTest(seed=seed):
                want = run_tool("jm-gen", "-n", str(n), "--seed", str(seed))
                with jobmatch.Generator(seed=seed) as g:
                    self.assertEqual(g.market(n, n), want)
                with jobmatch.Generator(seed=seed, threads=2) as g:
                    self.assertEqual(b"".join(l.data for l in g.lines(n, n)), want)
        want = run_tool("jm-gen", "--jobs", "30", "--candidates", "20", "--seed", "3",
                        "--format", "csv", "--bad-fraction", "0.1", "--late-fraction", "0.2")
        with jobmatch.Generator(seed=3, format="csv", bad_fraction=0.1, late_fraction=0.2) as g:
            self.assertEqual(g.market(20, 30), want)

    def test_reports_figures_equal_to_jm_report(self):
        apps = run_tool("jm-match", JOBS, CANDIDATES)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "apps.ndjson")
            with open(path, "wb") as f:
                f.write(apps + b'{"broken\n')
            want = run_tool("jm-report", "--json", path, JOBS, CANDIDATES)
            with jobmatch.Report() as rep:
                rejects = rep.read(read_file(path), path)
                self.assertEqual([r.line for r in rejects], [apps.count(b"\n") + 1])
                for p in (JOBS, CANDIDATES):
                    self.assertEqual(rep.read(read_file(p), p, format="csv"), [])
                self.assertEqual(rep.to_json(EPOCH * 1000).encode(), want)
                figures = rep.figures(EPOCH * 1000)
        doc = json.loads(want)
        self.assertEqual(figures.to_dict(), doc)
        self.assertIsInstance(figures.metrics, jobmatch.Metrics)
        self.assertEqual(figures.metrics.applications, apps.count(b"\n"))
        self.assertEqual(figures.metrics.jobs, 300)
        self.assertEqual(figures.input.rejected, 1)
        self.assertEqual(figures.score_histogram[0].from_, doc["score_histogram"][0]["from"])
        self.assertEqual(sum(b.count for b in figures.score_histogram), figures.metrics.applications)
        self.assertEqual(figures.statuses[0].name, doc["statuses"][0]["name"])
        self.assertIsInstance(figures.top_job_families, tuple)
        with self.assertRaises(dataclasses.FrozenInstanceError):
            figures.metrics.jobs = 0


class TestGenerator(unittest.TestCase):
    def test_records_and_lines(self):
        with jobmatch.Generator(seed=1) as g:
            c = g.next("candidate")
            self.assertEqual(c.kind, "candidate")
            self.assertEqual(str(uuid.UUID(c.id)), c.id)
            line = g.emit("job_post")
            self.assertEqual(line.info.kind, "job_post")
            self.assertIsNone(line.info.bad)
            self.assertEqual(Record(line.data).id, line.info.id)
            self.assertEqual(g.last_record().id, line.info.id)
            self.assertEqual(g.clock_ms, line.info.event_ms)
            with self.assertRaises(ValueError):
                g.next("application")
            with self.assertRaises(JobmatchError):
                g.csv_header()  # an NDJSON generator
        with jobmatch.Generator(seed=1) as g:
            with self.assertRaises(JobmatchError) as cm:
                g.last_record()
            self.assertIn("no good line", str(cm.exception))

    def test_bad_lines_are_told(self):
        with jobmatch.Generator(seed=5, bad_fraction=0.5) as g:
            lines = list(g.lines(50, 50))
        bad = [l for l in lines if l.info.bad]
        self.assertEqual(len(lines) - len(bad), 100)  # bad lines come on top
        self.assertTrue(bad)
        self.assertLessEqual({l.info.bad for l in bad}, set(jobmatch.BAD_KINDS))
        rejects = []
        got = list(jobmatch.read_ndjson(b"".join(l.data for l in lines), rejects=rejects))
        self.assertEqual(len(got), 100)
        self.assertEqual(len(rejects), len(bad))

    def test_run_blocks_and_stop(self):
        blocks = []
        with jobmatch.Generator(seed=2) as g:
            g.run(100, 100, blocks.append, infos=True)
        self.assertEqual(sum(b.count for b in blocks), 200)
        self.assertEqual([l.data for b in blocks for l in b.lines],
                         b"".join(b.data for b in blocks).splitlines(keepends=True))
        seen = []
        with jobmatch.Generator(seed=2) as g:
            g.run(None, None, lambda b: seen.append(b) or len(seen) < 3)  # endless, stopped
        self.assertEqual(len(seen), 3)
        with self.assertRaises(RuntimeError):
            with jobmatch.Generator(seed=2) as g:
                g.run(10, 10, lambda b: (_ for _ in ()).throw(RuntimeError("stop")))

    def test_options_and_clock(self):
        with self.assertRaises(JobmatchError) as cm:
            jobmatch.Generator(per_day=1e12)
        self.assertEqual(cm.exception.name, "JM_EINVAL")
        self.assertIn("generator options", str(cm.exception))
        start = datetime.datetime(2030, 5, 1, tzinfo=datetime.timezone.utc)
        with jobmatch.Generator(start=start) as g:
            r = g.next("job_post")
            self.assertGreaterEqual(r.time_ms("timestamp"), jobmatch.parse_time(start))
        with jobmatch.Generator(clock=lambda: 1234567) as g:
            self.assertEqual(g.next("candidate").time_ms("timestamp"), 1234567)


class TestReport(unittest.TestCase):
    def test_incremental_and_renderings(self):
        recs = sample_records()
        with Matcher() as m:
            apps = m.add_all(recs[:40] + recs[300:340], time_ms=EPOCH * 1000)
        self.assertTrue(apps)
        with jobmatch.Report(audit_by=["gender"], drilldown=True) as rep:
            for a in apps:
                self.assertTrue(rep.add(a))
            self.assertFalse(rep.add(apps[0]))  # a duplicate
            for r in recs[:40] + recs[300:340]:
                rep.add(r)
            self.assertTrue(rep.add_ndjson(jobmatch.make_application(
                recs[399], recs[39], time_ms=0).to_json()) in (True, False))
            self.assertEqual(rep.duplicates("application"), 1)
            self.assertEqual(rep.count("job_post"), 40)
            f = rep.figures(EPOCH * 1000)
            self.assertEqual(f.metrics.candidates, 40)
            self.assertEqual(f.audit.by[0].field, "gender")
            self.assertIn("Applications", rep.to_text(EPOCH * 1000, width=80))
            html = rep.to_html(EPOCH * 1000)
            self.assertTrue(html.lstrip().lower().startswith("<!doctype html"))
            with self.assertRaises(JobmatchError) as cm:
                rep.add_ndjson("{not json")
            self.assertEqual(cm.exception.name, "JM_ESYNTAX")
        with self.assertRaises(ValueError):
            jobmatch.Report(audit_by=["nonsense"])
        with self.assertRaises(ValueError):
            jobmatch.Report(audit_min_share=2)


class TestSinksAndPlugins(unittest.TestCase):
    def test_file_sink(self):
        app = jobmatch.make_application(candidate(job_category="Consulting"),
                                        job(job_category="Consulting"), time_ms=0)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "out.ndjson")
            with jobmatch.Sink.to_file(path) as s:
                self.assertEqual(s.name, "file")
                self.assertFalse(s.wants_records)
                s.write(app)
                s.write(candidate())
                s.write(b'{"post_id": "J9"}')
                s.sync()
            got = read_file(path).decode().splitlines()
        self.assertEqual(got, [app.to_json(), candidate().to_json(), '{"post_id": "J9"}'])
        with self.assertRaises(ValueError):
            s.write(app)  # closed
        r, w = os.pipe()
        os.close(r)
        s = jobmatch.Sink.to_fd(w, close_fd=True)
        s.write(b"x" * 10)
        with self.assertRaises(JobmatchError) as cm:
            s.sync()  # nobody reads the pipe
        self.assertEqual(cm.exception.name, "JM_EIO")
        self.assertIn("file sink", str(cm.exception))
        try:
            s.close()
        except JobmatchError:
            pass

    def test_plugin_sink_and_source(self):
        path = test_plugin_path()
        if not os.path.exists(path):
            self.fail("no test plugin at %s (make builds it; set JM_TEST_PLUGIN)" % path)
        with tempfile.TemporaryDirectory() as d:
            count, commits = os.path.join(d, "count"), os.path.join(d, "commit")
            src = os.path.join(d, "in.ndjson")
            with open(src, "w") as f:
                f.write('{"post_id": "J1", "job_category": "Consulting"}\n'
                        '{"candidate_id": "C1", "job_category": "Consulting"}\n')
            with jobmatch.Plugin(path=path) as p:
                self.assertEqual(p.name, "test")
                self.assertEqual(os.path.realpath(p.path), os.path.realpath(path))
                self.assertTrue(p.description)
                with p.sink(count=count) as s:
                    self.assertEqual(s.name, "test")
                    s.write(job())
                    s.write(b"a,b\n", flags=jobmatch.MSG_HEADER)
                    s.sync()
                with open(count) as f:
                    self.assertIn("messages=2 records=1 bad=0 headers=1", f.read())
                with self.assertRaises(JobmatchError) as cm:
                    p.sink(colour="blue")
                self.assertIn("unknown sink option: colour", str(cm.exception))
                with p.source({"file": src, "commit": commits}) as source:
                    msgs = list(source)
                    self.assertEqual([m.data for m in msgs],
                                     [b'{"post_id": "J1", "job_category": "Consulting"}',
                                      b'{"candidate_id": "C1", "job_category": "Consulting"}'])
                    self.assertEqual([m.seq for m in msgs], [1, 2])
                    self.assertTrue(msgs[0].origin.startswith("test:"))
                    source.commit(2)
                    self.assertEqual((source.delivered, source.committed), (2, 2))
                    with Matcher(min_score=0) as m:
                        with jobmatch.Reader() as reader:
                            recs = [x for msg in msgs
                                    for x in reader.feed_record(msg.data, msg.origin)]
                        self.assertEqual([r.id for r in recs], ["J1", "C1"])
                        self.assertEqual(len(m.add_all(recs, time_ms=0)), 1)
                    leftover = p.sink(count=count)
                # closing the plugin closed what it made
            with self.assertRaises(ValueError):
                leftover.write(job())
            with open(commits) as f:
                self.assertTrue(f.read().startswith("seq=2 "))
            os.environ["JM_PLUGIN_PATH"] = os.path.dirname(path)
            try:
                found = [i for i in jobmatch.plugins() if i.name == "test"]
                self.assertEqual(len(found), 1)
                with jobmatch.open_sink("test:count=%s" % count) as s:
                    s.write(candidate())
            finally:
                del os.environ["JM_PLUGIN_PATH"]
        with self.assertRaises(JobmatchError) as cm:
            jobmatch.Plugin("no-such-module")
        self.assertEqual(cm.exception.name, "JM_EPLUGIN")
        self.assertIn("jm-no-such-module.so", str(cm.exception))
        self.assertTrue(jobmatch.plugin_dir().endswith("/jobmatch/plugins"))

    def test_plugin_spec(self):
        spec = jobmatch.parse_plugin_spec(r"kafka:brokers=a:9092\,b:9092,topic=t")
        self.assertEqual(spec, jobmatch.PluginSpec("kafka", (("brokers", "a:9092,b:9092"),
                                                             ("topic", "t"))))
        with self.assertRaises(JobmatchError) as cm:
            jobmatch.parse_plugin_spec("kafka:brokers")
        self.assertEqual(cm.exception.name, "JM_EINVAL")
        self.assertIn("plugin spec", str(cm.exception))


class TestTaxonomyAndValues(unittest.TestCase):
    def test_taxonomy(self):
        groups = families()
        self.assertEqual(jobmatch.FAMILIES, tuple(groups))
        self.assertEqual(len(jobmatch.CATEGORIES), 20)
        for cat in jobmatch.CATEGORIES:
            want = tuple(f for f, cats in groups.items() if cat in cats)
            self.assertEqual(jobmatch.category_families(" %s " % cat.upper()), want, cat)
        self.assertIsNone(jobmatch.category_index("Basket Weaving"))
        self.assertEqual(jobmatch.category_families("Basket Weaving"), ())
        self.assertEqual(jobmatch.family_mask("Basket Weaving"), 0)
        self.assertEqual(jobmatch.seniority_rank(" senior "), 6)
        self.assertEqual(jobmatch.seniority_rank("C-Level Executive (CXO)"), 11)
        self.assertEqual(jobmatch.seniority_rank("wizard"), 0)
        self.assertEqual((jobmatch.years_min("3-5 years"), jobmatch.years_min("10+ years"),
                          jobmatch.years_min("some")), (3, 10, None))

    def test_values(self):
        self.assertEqual(jobmatch.parse_time("2025-11-16 16:33:10"), 1763310790000)
        self.assertEqual(jobmatch.format_time(1763310790250), "2025-11-16T16:33:10.250Z")
        self.assertEqual(jobmatch.to_datetime(0), datetime.datetime(1970, 1, 1,
                                                                    tzinfo=datetime.timezone.utc))
        with self.assertRaises(ValueError):
            jobmatch.parse_time(datetime.datetime(2025, 1, 1))  # naive
        self.assertEqual(jobmatch.parse_list_cell("['a', 'b c']"), ["a", "b c"])
        self.assertEqual(jobmatch.parse_list_cell("{x,y}"), ["x", "y"])
        self.assertEqual(jobmatch.parse_list_cell('["q"]'), ["q"])
        self.assertEqual(jobmatch.json_string('a"\n'), r'"a\"\n"')
        self.assertEqual(jobmatch.default_weights(), {"category": 30, "skills": 30,
                                                      "experience": 20, "seniority": 10,
                                                      "salary": 10})
        self.assertEqual(jobmatch.parse_weights("skills=40")["skills"], 40)
        with self.assertRaises(JobmatchError) as cm:
            jobmatch.parse_weights("charm=5")
        self.assertIn("charm", str(cm.exception))
        with self.assertRaises(ValueError):
            jobmatch.score_pair(candidate(), job(), weights=[1, 2])
        header = jobmatch.csv_header("reference", "job_post")
        row = job(company="Acme", required_skills=["a", "b"]).to_csv("reference")
        got = list(jobmatch.read_csv(header + row))
        self.assertEqual(got[0], job(company="Acme", required_skills=["a", "b"]))
        with self.assertRaises(ValueError):
            job().to_csv("fancy")


class TestReaderExtras(unittest.TestCase):
    def test_check_counters_and_records(self):
        data = '{"post_id": "J1", "salary_min": -5}\n{"post_id": "J2"}\n'
        rejects = []
        recs = list(jobmatch.read_ndjson(
            data, "in", rejects=rejects,
            check=lambda r: "salary_min is negative" if r.get("salary_min", 0) < 0 else None))
        self.assertEqual([r.id for r in recs], ["J2"])
        self.assertEqual([(r.line, r.reason, r.code) for r in rejects],
                         [(1, "salary_min is negative", -11)])
        self.assertEqual(rejects[0].message, "in:1: salary_min is negative")
        with jobmatch.Reader("ndjson", "q") as reader:
            got = reader.feed(data[:10])
            self.assertEqual(got, [])
            got = reader.feed(data[10:]) + reader.finish()
            self.assertEqual([r.id for r in got], ["J1", "J2"])
            bad = reader.feed_record(b'{"post_id": 5}', "kafka:job_posts/0@7")
            self.assertEqual([(b.source, b.line) for b in bad], [("kafka:job_posts/0@7", 0)])
            self.assertEqual((reader.records, reader.rejects, reader.lines), (2, 1, 2))
        seen = []
        with jobmatch.Reader(on_line=lambda text, n: seen.append((n, text)) or
                             (None if n == 1 else "no second line")) as reader:
            out = list(reader.read(data))
        self.assertEqual([n for n, _ in seen], [1, 2])
        self.assertEqual([type(x).__name__ for x in out], ["Reject"])
        with self.assertRaises(ValueError):
            jobmatch.Reader("csv", on_line=lambda t, n: None)
        with self.assertRaises(ValueError):
            jobmatch.Reader("xml")
        with self.assertRaises(ZeroDivisionError):
            list(jobmatch.read_ndjson(data, check=lambda r: 1 / 0))


class TestInstalled(unittest.TestCase):
    def test_where_it_came_from(self):
        where = os.environ.get("JM_EXPECT_INSTALLED")
        if not where:
            self.assertTrue(jobmatch.__file__.startswith(os.path.join(TOP, "bindings")),
                            jobmatch.__file__)
            return
        where = os.path.realpath(where)
        self.assertTrue(os.path.realpath(jobmatch.__file__).startswith(where), jobmatch.__file__)
        self.assertTrue(os.path.realpath(jobmatch.library_path).startswith(where),
                        jobmatch.library_path)

if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=int(os.environ.get("VERBOSE", "1"))).result
    if not result.wasSuccessful() or result.testsRun == 0:
        sys.exit(1)
    print("python binding: %d tests passed (libjobmatch %s)" % (result.testsRun,
                                                                 jobmatch.version()))
