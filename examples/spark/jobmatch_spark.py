"""Scoring with libjobmatch inside PySpark: job posts and candidates joined on their job families
the way the reference pipeline's Spark job joins them, each pair once, scored by the library.

The inputs are NDJSON records (the values of the job_posts and candidate_info Kafka topics, or
files of them, one record a line). Each record is parsed on the executors by the jobmatch
binding, keyed by every job family its category belongs to (a category in no family is a family
of its own), and joined with the records of the other kind on that key. A pair that shares
several families meets once per family: only the meeting on their first common family, in
taxonomy order, is kept, so every joined pair is scored exactly once, as jm-match scores it.
The pairs are scored by mapPartitions over the binding (make_application), and those scoring at
least min_score become applications.

    from pyspark.sql import SparkSession
    import jobmatch_spark
    spark = SparkSession.builder.master("local[2]").getOrCreate()
    apps = jobmatch_spark.applications(spark, "jobs.ndjson", "candidates.ndjson")
    apps.show()

Every executor needs the jobmatch package and libjobmatch.so.0 (pip install bindings/python and
make install on each node, or PYTHONPATH and JOBMATCH_LIBRARY pointing at a shared copy).
"""

from typing import Iterable, Iterator, Optional, Tuple

from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

# An application as it leaves the scoring: its pair, and its NDJSON line (the value the
# reference pipeline sends to its job_applications topic), byte for byte what jm-match writes.
SCORED_SCHEMA = T.StructType([
    T.StructField("candidate_id", T.StringType(), False),
    T.StructField("post_id", T.StringType(), False),
    T.StructField("value", T.StringType(), False),
])

# The application's fields as typed columns (typed() reads them from the line, in the JVM).
APPLICATION_SCHEMA = T.StructType([
    T.StructField("application_id", T.StringType()),
    T.StructField("candidate_id", T.StringType()),
    T.StructField("post_id", T.StringType()),
    T.StructField("job_family", T.StringType()),
    T.StructField("compatibility_score", T.IntegerType()),
    T.StructField("components", T.StructType([
        T.StructField(c, T.DoubleType())
        for c in ("category", "skills", "experience", "seniority", "salary")])),
    T.StructField("status", T.StringType()),
    T.StructField("match_reason", T.StringType()),
    T.StructField("application_method", T.StringType()),
    T.StructField("application_date", T.TimestampType()),
    T.StructField("timestamp", T.TimestampType()),
])

# What each record contributes to the join: its id, the family key, the family's rank (its
# taxonomy index, -1 for a family of its own) and the record's family bit set, the fields the
# reference pipeline's scoring reads (for comparing the two, bench.py), and the record cut down
# to the fields an application is made of (SCORED_FIELDS).
KEYED_SCHEMA = T.StructType([
    T.StructField("kind", T.StringType(), False),
    T.StructField("id", T.StringType(), False),
    T.StructField("family", T.StringType(), False),
    T.StructField("rank", T.IntegerType(), False),
    T.StructField("mask", T.LongType(), False),
    T.StructField("category", T.StringType(), True),
    T.StructField("skills", T.ArrayType(T.StringType()), True),
    T.StructField("years", T.StringType(), True),
    T.StructField("level", T.StringType(), True),
    T.StructField("salary", T.DoubleType(), True),
    T.StructField("line", T.StringType(), False),
])


# The fields an application is made of: what scoring, the match reason and the application's
# dates read. The join carries records cut down to these (a fifth of a full record's bytes).
SCORED_FIELDS = {
    "job_post": ("type", "post_id", "job_category", "required_skills", "years_experience",
                 "experience_level", "salary_min", "salary_max", "application_method",
                 "posted_date", "deadline_date", "timestamp"),
    "candidate": ("type", "candidate_id", "job_category", "skills", "years_experience",
                  "experience_level", "current_salary", "expected_salary", "timestamp"),
}


def _own_family(category: str) -> str:
    # Categories compare trimmed and case-insensitively; the prefix keeps these keys apart from
    # the taxonomy's family names.
    return "\x00" + " ".join(category.split()).lower()


def keyed_records(lines: Iterable[str]) -> Iterator[Tuple]:
    """mapPartitions: each NDJSON line as one row per job family of its record. Lines that do
    not parse, and applications, are left out (the tools reject or pass them on)."""
    import json

    import jobmatch

    for line in lines:
        try:
            rec = jobmatch.Record(line)
        except jobmatch.JobmatchError:
            continue
        with rec:
            kind = rec.kind
            if kind not in ("job_post", "candidate") or not rec.id:
                continue
            category = rec.get("job_category") or ""
            if kind == "job_post":
                skills, salary = rec.get("required_skills"), rec.get("salary_max",
                                                                      rec.get("salary_min"))
            else:
                skills, salary = rec.get("skills"), rec.get("expected_salary",
                                                            rec.get("current_salary"))
            common = (kind, rec.id)
            whole = rec.to_dict()
            cut = json.dumps({k: whole[k] for k in SCORED_FIELDS[kind] if k in whole},
                             ensure_ascii=False, separators=(",", ":"))
            fields = (category, skills, rec.get("years_experience"), rec.get("experience_level"),
                      salary, cut)
            mask = jobmatch.family_mask(category)
            if not mask:
                yield common + (_own_family(category), -1, 0) + fields
                continue
            for rank, family in enumerate(jobmatch.FAMILIES):
                if mask >> rank & 1:
                    yield common + (family, rank, mask) + fields


def keyed(spark: SparkSession, lines: DataFrame) -> DataFrame:
    """The records of a DataFrame of NDJSON lines (a column "value", as spark.read.text and the
    Kafka source give) keyed by family."""
    rdd = lines.select("value").rdd.map(lambda r: r[0]).mapPartitions(keyed_records)
    return spark.createDataFrame(rdd, KEYED_SCHEMA)


def joined_pairs(keyed_df: DataFrame) -> DataFrame:
    """Every (candidate, job) pair that shares a family, once: the join meets a pair on each
    family they share, and the meeting on their first common family is the one kept."""
    c = keyed_df.where(F.col("kind") == "candidate").alias("c")
    j = keyed_df.where(F.col("kind") == "job_post").alias("j")
    common = F.col("c.mask").bitwiseAND(F.col("j.mask"))
    lowest = common.bitwiseAND(-common)  # the lowest family bit both have
    first = (common == 0) | (lowest == F.expr("shiftleft(cast(1 as bigint), j.rank)"))
    return c.join(j, F.col("c.family") == F.col("j.family")).where(first)


def score_partition(pairs: Iterable[Row], min_score: int, seed: int,
                    time_ms: int) -> Iterator[Tuple[str, str, str]]:
    """mapPartitions: each (candidate id, job id, candidate line, job line) pair scored by
    libjobmatch (jobmatch.Scorer), the pairs scoring at least min_score as (candidate id, job id,
    application line). Records repeat across pairs, so each is parsed once per partition."""
    import jobmatch

    parsed = {}

    def record(line):
        r = parsed.get(line)
        if r is None:
            r = parsed[line] = jobmatch.Record(line)
        return r

    with jobmatch.Scorer(seed=seed, min_score=min_score, time_ms=time_ms) as scorer:
        try:
            for cand_id, job_id, cand_line, job_line in pairs:
                line = scorer.json(record(cand_line), record(job_line))
                if line is not None:
                    yield cand_id, job_id, line
        finally:
            for r in parsed.values():
                r.close()


def applications(spark: SparkSession, jobs_path: str, candidates_path: str,
                 min_score: int = 30, seed: int = 0, time_ms: Optional[int] = None) -> DataFrame:
    """The applications of the job posts and candidates in two NDJSON inputs (paths or globs
    spark.read.text takes): candidate_id, post_id and value, the application's NDJSON line.
    time_ms is the applications' timestamp when neither record has one (jm-match's clock;
    default: now, or $SOURCE_DATE_EPOCH)."""
    import jobmatch.scoring

    if time_ms is None:
        time_ms = jobmatch.scoring.now_ms()
    lines = spark.read.text([jobs_path, candidates_path])
    pairs = joined_pairs(keyed(spark, lines)).select("c.id", "j.id", "c.line", "j.line")
    rdd = pairs.rdd.mapPartitions(lambda rows: score_partition(rows, min_score, seed, time_ms))
    return spark.createDataFrame(rdd, SCORED_SCHEMA)


def typed(apps: DataFrame) -> DataFrame:
    """The applications' fields as columns, read from their lines by Spark itself."""
    parsed = F.from_json("value", APPLICATION_SCHEMA,
                         {"timestampFormat": "yyyy-MM-dd'T'HH:mm:ss[.SSS]X"})
    return apps.select(parsed.alias("a")).select("a.*")


def session(app_name: str = "jobmatch", master: str = "local[2]") -> SparkSession:
    """A quiet local session for the example and its check, on the loopback interface only."""
    import os

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (SparkSession.builder.master(master).appName(app_name)
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.sql.adaptive.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.addPyFile(__file__)  # the executors unpickle this module's functions
    return spark
