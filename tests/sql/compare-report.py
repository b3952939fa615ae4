"""Compares the analytics views of sql/schema.sql (as psql --csv output) with jm-report --json and
with the records themselves; used by tests/sql/check-schema.sh.

Usage: compare-report.py REPORT.json VIEWS-FOLDER PIPELINE.ndjson
Exit 0 when every figure agrees, 1 with one line per difference otherwise.
"""

import csv
import datetime
import json
import os
import sys

report_path, views, pipeline = sys.argv[1:4]
with open(report_path, encoding="utf-8") as f:
    rep = json.load(f)
records = {"job_post": {}, "candidate": {}, "application": {}}
with open(pipeline, encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        records[d["type"]][d.get("application_id") or d.get("post_id") or d["candidate_id"]] = d
apps = records["application"]

problems = []
checked = []


def view(name):
    with open(os.path.join(views, name + ".csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def same(what, got, want):
    checked.append(what)
    if got != want:
        problems.append("%s: view gives %r, jm-report %r" % (what, got, want))


def close(what, got, want, eps=1e-6):
    checked.append(what)
    if want is None or got is None or abs(float(got) - float(want)) > eps:
        problems.append("%s: view gives %r, jm-report %r" % (what, got, want))


def ranked(what, rows, want, limit):
    """Top-N lists: jm-report breaks ties by first arrival, the views by name, so the counts must
    agree in order, and every name above the last count must agree exactly."""
    got = [(r["name"], int(r["count"])) for r in rows]
    want = [(w["name"], w["count"]) for w in want]
    same(what + " counts", [c for _, c in got], [c for _, c in want][:limit])
    if got:
        last = got[-1][1]
        same(what + " names", {n: c for n, c in got if c > last},
             {n: c for n, c in want if c > last})


def counted(what, rows, want):
    same(what, {r["name"]: int(r["count"]) for r in rows}, {w["name"]: w["count"] for w in want})


m = rep["metrics"]
km = view("key_metrics")
same("key_metrics rows", len(km), 1)
km = km[0]
for k in ("applications", "jobs", "active_jobs", "candidates", "shortlisted", "interviews"):
    same("key_metrics." + k, int(km[k]), m[k])
close("key_metrics.average_score", km["average_score"], m["average_score"])
same("applications in the records", m["applications"], len(apps))

same("applications_by_interval",
     [(r["interval"], int(r["from_hour"]), int(r["count"]))
      for r in view("applications_by_interval")],
     [(w["interval"], w["from_hour"], w["count"]) for w in rep["applications_by_interval"]])
ranked("top_job_families", view("top_job_families"), rep["top_job_families"], 10)
same("score_histogram",
     [(int(r["from"]), int(r["to"]), int(r["count"])) for r in view("score_histogram")],
     [(w["from"], w["to"], w["count"]) for w in rep["score_histogram"]])

sb = {r["name"]: r for r in view("status_breakdown")}
same("status_breakdown names", sorted(sb), sorted(w["name"] for w in rep["statuses"]))
for w in rep["statuses"]:
    r = sb.get(w["name"])
    if r is None:
        continue
    same("status %s count" % w["name"], int(r["count"]), w["count"])
    close("status %s share" % w["name"], r["share"], w["share"])
    for k in ("min", "q1", "median", "q3", "max"):
        close("status %s score %s" % (w["name"], k), r["score_" + k], w["score"][k])

counted("jobs_by_work_mode", view("jobs_by_work_mode"), rep["jobs_by_work_mode"])
counted("jobs_by_employment_type", view("jobs_by_employment_type"), rep["jobs_by_employment_type"])
counted("candidates_by_education", view("candidates_by_education"), rep["candidates_by_education"])
same("job_salary_histogram",
     [(float(r["from"]), float(r["to"]), int(r["count"])) for r in view("job_salary_histogram")],
     [(float(b["from"]), float(b["to"]), b["count"]) for b in rep["salary_histogram"]["bins"]])
ranked("top_countries", view("top_countries"), rep["top_countries"], 15)

# Recent applications: 100 rows, newest first, each as stored, with names joined in.
recent = view("recent_applications")
same("recent_applications rows", len(recent), min(100, len(apps)))
newest = max(a["timestamp"] for a in apps.values())
for r in recent:
    a = apps.get(r["application_id"])
    if a is None:
        problems.append("recent_applications: unknown id %s" % r["application_id"])
        continue
    c = records["candidate"].get(a["candidate_id"], {})
    j = records["job_post"].get(a["post_id"], {})
    same("recent %s" % r["application_id"],
         (r["candidate_id"], r["post_id"], r["candidate_name"], r["job_title"], r["company"],
          r["job_family"], int(r["compatibility_score"]), r["status"], r["match_reason"],
          r["application_method"]),
         (a["candidate_id"], a["post_id"], c.get("full_name", ""), j.get("job_title", ""),
          j.get("company", ""), a["job_family"], a["compatibility_score"], a["status"],
          a["match_reason"], a.get("application_method", "")))
def when(text):
    """An ISO-8601 or psql timestamptz text as a datetime."""
    text = text.replace("Z", "+00:00")
    if text[-3] in "+-":
        text += ":00"
    return datetime.datetime.fromisoformat(text)


stamps = [when(r["timestamp"]) for r in recent]
same("recent_applications order", stamps, sorted(stamps, reverse=True))
if recent:
    same("recent_applications newest", stamps[0], when(newest))

# The tables themselves: the replayed tail added nothing, lists and defaults as the records say.
t = view("tables")[0]
same("tables.applications after the replay", int(t["applications"]), len(apps))
same("tables.pairs", int(t["pairs"]), len(apps))
same("tables.jobs", int(t["jobs"]), len(records["job_post"]))
same("tables.candidates", int(t["candidates"]), len(records["candidate"]))
same("tables.python_jobs", int(t["python_jobs"]),
     sum("Python" in j.get("required_skills", []) for j in records["job_post"].values()))
same("tables.no_ask", int(t["no_ask"]),
     sum("expected_salary" not in c and "current_salary" not in c
         for c in records["candidate"].values()))

for p in problems:
    print("compare-report: " + p)
print("compare-report: %d figures checked, %d differ" % (len(checked), len(problems)))
sys.exit(1 if problems else 0)
