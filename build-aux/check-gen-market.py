#!/usr/bin/env python3
"""Reads a jm-gen NDJSON stream on stdin, keeps nothing, and checks its time model (jm-gen(1)):

  every timestamp within [START, START + SPAN) and in order; posted_date up to 6 hours before it;
  deadline_date 5 to 30 days after posted_date; every candidate 18 to 70 years old at the year of
  its own timestamp, born 21 to 23 years before graduating, graduated the top of its years band
  plus 0-2 years before that year ("10+ years" counts as 10-12); and, with --sample, the ages'
  spread is the reference sample's (range within 2 years at each end, median within 1, the 10th,
  25th, 75th and 90th percentiles within 3).

Prints what it counted, one fact a line; exits 1 at the first line that breaks a rule.
Usage: check-gen-market.py START SPAN_DAYS [--sample candidates.csv]
"""
import csv
import datetime
import sys

HOUR_MS = 3600 * 1000
DAY_MS = 24 * HOUR_MS
EPOCH = datetime.date(1970, 1, 1).toordinal()
_days = {}


def ms(b):
    """Milliseconds since 1970 of b"2025-01-01T00:03:24.842Z", b"2025-01-01T00:03:24Z" or
    b"2025-01-01"."""
    day = b[:10]
    d = _days.get(day)
    if d is None:
        d = _days[day] = (datetime.date(int(day[:4]), int(day[5:7]), int(day[8:10])).toordinal()
                          - EPOCH) * DAY_MS
    if len(b) == 10:
        return d
    t = d + (int(b[11:13]) * 3600 + int(b[14:16]) * 60 + int(b[17:19])) * 1000
    if b[19:20] == b".":
        t += int(b[20:23])
    return t


def field(line, key):
    """The raw value after "key": in line (up to the next comma, closing brace or quote)."""
    i = line.find(key)
    if i < 0:
        return None
    i += len(key)
    if line[i:i + 1] == b'"':
        return line[i + 1:line.index(b'"', i + 1)]
    j = i
    while line[j:j + 1] not in (b",", b"}", b""):
        j += 1
    return line[i:j]


def years_top(band):
    head = band.split(b" ")[0]
    if head.endswith(b"+"):
        return int(head[:-1]) + 2
    if b"-" in head:
        return int(head.split(b"-")[1])
    return int(head)


def fail(n, why):
    print("line %d: %s" % (n, why))
    sys.exit(1)


def quantile(sorted_counts, total, q):
    """The q-quantile of ages held as a sorted list of (age, count)."""
    k = int(q * total)
    for age, c in sorted_counts:
        if k < c:
            return age
        k -= c
    return sorted_counts[-1][0]


def main():
    args = sys.argv[1:]
    sample = None
    if "--sample" in args:
        i = args.index("--sample")
        sample = args[i + 1]
        del args[i:i + 2]
    start = ms(args[0].encode())
    end = start + int(float(args[1]) * DAY_MS)
    jobs = cands = 0
    prev = start
    lo = hi = None
    ages = {}
    for n, line in enumerate(sys.stdin.buffer, 1):
        ts = ms(field(line, b'"timestamp":'))
        if not (start <= ts < end):
            fail(n, "timestamp outside the window")
        if ts < prev:
            fail(n, "timestamp before the one above it")
        prev = ts
        lo = ts if lo is None else lo
        hi = ts
        if line.startswith(b'{"type":"job_post"'):
            jobs += 1
            posted = ms(field(line, b'"posted_date":'))
            deadline = ms(field(line, b'"deadline_date":'))
            if not (0 <= ts - posted < 6 * HOUR_MS + 1000):  # posted_date is in whole seconds
                fail(n, "posted_date not within 6 hours before the timestamp")
            if not (5 * DAY_MS <= deadline - posted <= 30 * DAY_MS):
                fail(n, "deadline_date not 5 to 30 days after posted_date")
        else:
            cands += 1
            year = int(field(line, b'"timestamp":')[:4])
            birth = int(field(line, b'"birth_year":'))
            grad = int(field(line, b'"graduation_year":'))
            top = years_top(field(line, b'"years_experience":'))
            age = year - birth
            if not 18 <= age <= 70:
                fail(n, "%d years old" % age)
            if not 21 <= grad - birth <= 23:
                fail(n, "graduated at %d" % (grad - birth))
            if not 0 <= year - grad - top <= 2:
                fail(n, "graduated %d years before, for %d years of experience" % (year - grad, top))
            ages[age] = ages.get(age, 0) + 1
    print("job posts: %d, candidates: %d" % (jobs, cands))
    print("timestamps within %s + %s days" % (args[0], args[1]))
    print("job dates: posted up to 6 hours before, deadlines 5 to 30 days after")
    if cands:
        counts = sorted(ages.items())
        print("candidates 18 to 70 at their own dates, graduation and birth agree with experience")
    if sample and cands:
        with open(sample, newline="") as f:
            ref = sorted(2025 - int(r["date_of_birth"]) for r in csv.DictReader(f))
        got = [counts[0][0], counts[-1][0]]
        if abs(got[0] - ref[0]) > 2 or abs(got[1] - ref[-1]) > 2:
            fail(0, "ages %d to %d, the reference's %d to %d" % (got[0], got[1], ref[0], ref[-1]))
        for q in (0.1, 0.25, 0.5, 0.75, 0.9):
            g, w = quantile(counts, cands, q), ref[int(q * len(ref))]
            if abs(g - w) > (1 if q == 0.5 else 3):
                fail(0, "age quantile %.2f: %d, the reference's %d" % (q, g, w))
        print("age spread follows the reference sample")


main()
