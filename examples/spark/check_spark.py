"""make check-spark: the Spark example on a sample of the reference data with local[2], every
application compared with jm-match's on the same records, byte for byte.

The sample is the reference export's first 300 job posts and 300 candidates
(tests/data/jobs-sample.csv, candidates-sample.csv), written as NDJSON (what the reference
pipeline's Kafka topics carry). jm-match reads them with $SOURCE_DATE_EPOCH as its clock and the
state kept whole (--state-ttl 0), so that it emits every joined pair: the same set the Spark job
makes from a batch. Needs pyspark (make check-spark installs it into a venv under build/), Java,
the jobmatch package on PYTHONPATH and jm-match in $JM_BIN.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import jobmatch  # noqa: E402
import jobmatch_spark  # noqa: E402

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH") or 1767225600)
SAMPLE = [os.path.join(TOP, "tests", "data", n) for n in ("jobs-sample.csv",
                                                          "candidates-sample.csv")]


def write_ndjson(csv_path: str, out_path: str) -> int:
    n = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for rec in jobmatch.open_records(csv_path, strict=True):
            out.write(rec.to_json() + "\n")
            n += 1
    return n


def main() -> int:
    jm_match = os.path.join(os.environ.get("JM_BIN", os.path.join(TOP, "cli")), "jm-match")
    with tempfile.TemporaryDirectory() as d:
        jobs, cands = os.path.join(d, "jobs.ndjson"), os.path.join(d, "candidates.ndjson")
        n = write_ndjson(SAMPLE[0], jobs) + write_ndjson(SAMPLE[1], cands)
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), LC_ALL="C")
        want = subprocess.run([jm_match, "--state-ttl", "0", jobs, cands], env=env,
                              capture_output=True, check=True).stdout.decode().splitlines()
        spark = jobmatch_spark.session("jobmatch-check")
        try:
            started = time.monotonic()
            df = jobmatch_spark.applications(spark, jobs, cands, time_ms=EPOCH * 1000).cache()
            got = [r.value for r in df.select("value").collect()]
            seconds = time.monotonic() - started
            pairs = df.select("candidate_id", "post_id").distinct().count()
            typed = jobmatch_spark.typed(df).where("compatibility_score >= 75").collect()
        finally:
            spark.stop()
    failures = []
    if not want:
        failures.append("jm-match made no application")
    if len(got) != len(set(got)) or pairs != len(got):
        failures.append("a pair was scored more than once (%d applications, %d pairs)"
                        % (len(got), pairs))
    missing, extra = sorted(set(want) - set(got)), sorted(set(got) - set(want))
    high = sum(1 for line in got if json.loads(line)["compatibility_score"] >= 75)
    if len(typed) != high or any(r.application_id is None or r.timestamp is None for r in typed):
        failures.append("typed() read %d applications scoring 75 or more, not %d"
                        % (len(typed), high))
    if missing:
        failures.append("%d of jm-match's applications are missing, e.g. %s"
                        % (len(missing), missing[0]))
    if extra:
        failures.append("%d applications jm-match does not make, e.g. %s"
                        % (len(extra), extra[0]))
    for f in failures:
        print("check-spark: " + f, file=sys.stderr)
    if failures:
        return 1
    scores = [json.loads(line)["compatibility_score"] for line in got]
    print("check-spark: %d records, %d applications (scores %d-%d) from Spark local[2] in "
          "%.1f s, every one equal to jm-match's" % (n, len(got), min(scores), max(scores),
                                                     seconds))
    print("check-spark: 1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
