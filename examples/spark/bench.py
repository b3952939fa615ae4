"""make bench-spark: the Spark example's scoring against the reference pipeline's, on the same
records, joined the same way (jobmatch_spark.joined_pairs), timed from reading to counting the
applications, with local[2].

The reference pipeline's Spark job scores each joined pair with a Python UDF, a multi-factor
score of category 30 (the same category, or half for another of a shared family), skills 30
(Jaccard of the skill sets), experience 20, seniority 10 and salary 10, then a status drawn at
random within the score's band (75-100: Interview Scheduled 60% / Applied; 60-74: Applied 70% /
Under Review; 40-59: Applied / Not a Fit; below 40: Rejected 80% / Not a Fit). Its code is not
part of this repository, so reference_score() below implements it as described, as such a UDF
does: on the columns the join carries, one row at a time, through a pyspark udf.

    bench.py [--jobs N --candidates N]   (default: the 300 + 300 of the check's sample)
"""

import argparse
import os
import random
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import jobmatch  # noqa: E402
import jobmatch_spark  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402
from pyspark.sql import types as T  # noqa: E402

REFERENCE = os.environ.get("JM_REFERENCE_DIR") or os.path.join(TOP, "..", "shared", "reference")

_RANKS = {"internship": 1, "entry level": 2, "junior": 3, "associate": 4, "representative": 4,
          "coordinator": 4, "administrator": 4, "analyst": 4, "mid level": 5, "specialist": 5,
          "engineer": 5, "consultant": 5, "senior": 6, "staff": 7, "lead": 7, "architect": 7,
          "manager": 8, "principal": 8, "head": 9, "director": 9, "director/vp": 9,
          "vice president": 10, "c-level executive (cxo)": 11}
_YEARS = re.compile(r"\d+")


def reference_score(c_cat, c_skills, c_years, c_level, ask, j_cat, j_skills, j_years, j_level,
                    offer):
    """The reference pipeline's multi-factor score of a joined pair and its status."""
    same = (c_cat or "").strip().lower() == (j_cat or "").strip().lower()
    points = 30.0 if same else 15.0
    a = {" ".join(s.split()).lower() for s in c_skills or ()}
    b = {" ".join(s.split()).lower() for s in j_skills or ()}
    points += 30.0 * (len(a & b) / len(a | b) if a | b else 0.0)
    cy, jy = _YEARS.search(c_years or ""), _YEARS.search(j_years or "")
    if cy and jy:
        c, j = int(cy.group()), int(jy.group())
        points += 20.0 if c >= j or j == 0 else 20.0 * 0.75 * c / j
    else:
        points += 10.0
    cr = _RANKS.get((c_level or "").strip().lower(), 0)
    jr = _RANKS.get((j_level or "").strip().lower(), 0)
    if cr and jr:
        points += (10.0 if cr - jr <= 3 else 5.0) if cr >= jr else 10.0 * 0.6 * cr / jr
    else:
        points += 5.0
    if offer and ask and offer > 0 and ask > 0:
        r = offer / ask
        points += 10.0 if r >= 1 else 6.0 if r >= 0.9 else 3.0 if r >= 0.7 else 0.0
    else:
        points += 5.0
    score = max(0, min(100, int(points + 0.5)))
    u = random.random()
    if score >= 75:
        status = "Interview Scheduled" if u < 0.6 else "Applied"
    elif score >= 60:
        status = "Applied" if u < 0.7 else "Under Review"
    elif score >= 40:
        status = "Applied" if u < 0.5 else "Not a Fit"
    else:
        status = "Rejected" if u < 0.8 else "Not a Fit"
    return score, status


def sample(d, jobs, candidates):
    """NDJSON files of the first jobs job posts and candidates candidates of the reference
    export (the repository's 300 + 300 sample when that is enough)."""
    out = []
    for name, n, small in (("job_posts", jobs, "jobs-sample.csv"),
                           ("candidate_profiles", candidates, "candidates-sample.csv")):
        src = os.path.join(TOP, "tests", "data", small)
        if n > 300:
            src = os.path.join(REFERENCE, "seed-%s.csv" % name)
        path = os.path.join(d, name + ".ndjson")
        with open(path, "w", encoding="utf-8") as f:
            for i, rec in enumerate(jobmatch.open_records(src, strict=True)):
                if i == n:
                    break
                f.write(rec.to_json() + "\n")
        out.append(path)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=300)
    ap.add_argument("--candidates", type=int, default=300)
    args = ap.parse_args()
    spark = jobmatch_spark.session("jobmatch-bench")
    udf = F.udf(reference_score, T.StructType([T.StructField("score", T.IntegerType()),
                                               T.StructField("status", T.StringType())]))
    try:
        with tempfile.TemporaryDirectory() as d:
            jobs, cands = sample(d, args.jobs, args.candidates)
            # Warm up the JVM and the Python workers once, off the clock.
            jobmatch_spark.applications(spark, jobs, cands).limit(10).count()

            t = time.monotonic()
            ours = jobmatch_spark.applications(spark, jobs, cands).count()
            t_ours = time.monotonic() - t

            t = time.monotonic()
            lines = spark.read.text([jobs, cands])
            pairs = jobmatch_spark.joined_pairs(jobmatch_spark.keyed(spark, lines))
            scored = pairs.select(udf("c.category", "c.skills", "c.years", "c.level",
                                      "c.salary", "j.category", "j.skills", "j.years",
                                      "j.level", "j.salary").alias("s"))
            theirs = scored.where(F.col("s.score") >= 30).count()
            t_ref = time.monotonic() - t
            joined = pairs.count()
    finally:
        spark.stop()
    print("bench-spark: %d job posts + %d candidates, %d joined pairs, local[2]"
          % (args.jobs, args.candidates, joined))
    print("bench-spark: libjobmatch (mapPartitions)   %8.2f s  %d applications" % (t_ours, ours))
    print("bench-spark: reference UDF (pyspark udf)   %8.2f s  %d applications" % (t_ref, theirs))
    print("bench-spark: reference / libjobmatch = %.2f" % (t_ref / t_ours))


if __name__ == "__main__":
    main()
