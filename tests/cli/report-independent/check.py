#!/usr/bin/env python3
"""Recounts every figure of jm-report's JSON from the same NDJSON, independently (standard
library only), and prints "agree" or each difference."""
import json, statistics, sys
from collections import Counter
from datetime import datetime, timezone

def ms(t):
    t = t.replace(' ', 'T')
    if t.endswith('Z'):
        t = t[:-1] + '+00:00'
    d = datetime.fromisoformat(t)
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return int(round(d.timestamp() * 1000))

data_path, report_path, now_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 1000
apps, jobs, cands = {}, {}, {}
order = []
for line in open(data_path, encoding='utf-8'):
    if not line.strip():
        continue
    r = json.loads(line)
    kind = r.get('type')
    if kind == 'application':
        if r['application_id'] not in apps:
            apps[r['application_id']] = r
            order.append(r)
    elif kind == 'job_post':
        jobs.setdefault(r['post_id'], r)
    elif kind == 'candidate':
        cands.setdefault(r['candidate_id'], r)
rep = json.load(open(report_path))
bad = []
def same(name, got, want):
    if isinstance(want, float) or isinstance(got, float):
        ok = got is not None and want is not None and abs(got - want) < 1e-5
    else:
        ok = got == want
    if not ok:
        bad.append(f"{name}: report {got!r}, recount {want!r}")

A = list(apps.values())
scores = [a['compatibility_score'] for a in A]
m = rep['metrics']
same('applications', m['applications'], len(A))
same('jobs', m['jobs'], len(jobs))
same('candidates', m['candidates'], len(cands))
same('active_jobs', m['active_jobs'],
     sum(1 for j in jobs.values() if 'deadline_date' not in j or ms(j['deadline_date']) >= now_ms))
same('average_score', m['average_score'], round(sum(scores) / len(scores), 6))
same('interviews', m['interviews'], sum(a['status'] == 'Interview Scheduled' for a in A))
same('shortlisted', m['shortlisted'],
     sum(a['status'] in ('Interview Scheduled', 'Under Review') for a in A))
hours = Counter((ms(a['application_date']) // 3600000 % 24) // 3 for a in A if 'application_date' in a)
same('intervals', [b['count'] for b in rep['applications_by_interval']], [hours[i] for i in range(8)])
fam = Counter(a['job_family'] for a in A).most_common()
top = [(f['name'], f['count']) for f in rep['top_job_families']]
same('top families counts', [c for _, c in top], [c for _, c in fam[:10]])
same('top families', {n for n, c in top if c > fam[9][1]} if len(fam) > 10 else {n for n, _ in top},
     {n for n, c in fam[:10] if len(fam) <= 10 or c > fam[9][1]})
hist = [0] * 20
for s in scores:
    hist[min(s // 5, 19)] += 1
same('score histogram', [b['count'] for b in rep['score_histogram']], hist)
q = statistics.quantiles(scores, n=4, method='inclusive')
same('median', rep['score_summary']['median'], statistics.median(scores))
same('q1', rep['score_summary']['q1'], round(q[0], 6))
same('q3', rep['score_summary']['q3'], round(q[2], 6))
by_status = {}
for a in A:
    by_status.setdefault(a['status'], []).append(a['compatibility_score'])
for s in rep['statuses']:
    v = by_status[s['name']]
    same(f"status {s['name']} count", s['count'], len(v))
    same(f"status {s['name']} min/max", (s['score']['min'], s['score']['max']), (min(v), max(v)))
    same(f"status {s['name']} median", s['score']['median'], float(statistics.median(v)))
    if len(v) > 1:
        qq = statistics.quantiles(v, n=4, method='inclusive')
        same(f"status {s['name']} q1", s['score']['q1'], round(qq[0], 6))
        same(f"status {s['name']} q3", s['score']['q3'], round(qq[2], 6))
same('statuses', len(rep['statuses']), len(by_status))
def counts(key, rows, limit=None):
    c = Counter(r.get(key) or '(unknown)' for r in rows)
    return sorted(c.items(), key=lambda kv: -kv[1])[:limit]
for name, key, rows, limit in [('jobs_by_work_mode', 'work_mode', jobs.values(), None),
                               ('jobs_by_employment_type', 'employment_type', jobs.values(), None),
                               ('candidates_by_education', 'education_level', cands.values(), None),
                               ('top_countries', 'location_country', jobs.values(), 15)]:
    want = counts(key, rows, limit)
    got = [(r['name'], r['count']) for r in rep[name]]
    same(name + ' counts', [c for _, c in got], [c for _, c in want])
    same(name + ' total', sum(c for _, c in got), sum(c for _, c in want))
sal = [j.get('salary_max', j.get('salary_min')) for j in jobs.values()]
sal = [s for s in sal if s is not None and s > 0]
same('salary jobs', rep['salary_histogram']['jobs'], len(sal))
same('salary min', rep['salary_histogram']['min'], float(min(sal)))
same('salary max', rep['salary_histogram']['max'], float(max(sal)))
for b in rep['salary_histogram']['bins']:
    last = b is rep['salary_histogram']['bins'][-1]
    same(f"salary bin {b['from']}", b['count'],
         sum(1 for s in sal if b['from'] <= s < b['to'] or (last and s == b['to'])))
# applications over time: buckets of bucket_hours, aligned to the epoch, from the first to the last
aot = rep['applications_over_time']
width = aot['bucket_hours'] * 3600000
dated = [ms(a['application_date']) // width for a in A if 'application_date' in a]
same('over time bucket', aot['bucket_hours'] % 3 == 0 and aot['bucket_hours'] <= 48, True)
if dated:
    t = Counter(dated)
    same('over time counts', aot['counts'], [t[b] for b in range(min(dated), max(dated) + 1)])
    same('over time from', ms(aot['from']), min(dated) * width)
    same('over time to', ms(aot['to']), (max(dated) + 1) * width)
for name, key, rows in [('jobs_by_category', 'job_category', jobs.values()),
                        ('jobs_by_country', 'location_country', jobs.values())]:
    want = counts(key, rows)
    got = [(r['name'], r['count']) for r in rep[name]]
    same(name, sorted(got), sorted(want))
    same(name + ' order', [c for _, c in got], [c for _, c in want])
asks = [c.get('expected_salary', c.get('current_salary')) for c in cands.values()]
asks = [a for a in asks if a is not None and a > 0]
cs = rep['candidate_salary_histogram']
same('ask candidates', cs['candidates'], len(asks))
same('ask min', cs['min'], float(min(asks)))
same('ask max', cs['max'], float(max(asks)))
def binned(values, bins, key):
    for b in bins:
        last = b is bins[-1]
        same(f"{key} bin {b['from']}", b[key] if key != 'count' else b['count'],
             sum(1 for s in values if b['from'] <= s < b['to'] or (last and s == b['to'])))
binned(asks, cs['bins'], 'count')
ova = rep['salary_offer_vs_ask']['bins']
binned(sal, ova, 'jobs')
binned(asks, ova, 'candidates')
same('offer vs ask widths', len({b['to'] - b['from'] for b in ova[:-1]}) <= 1, True)
recent = sorted(enumerate(A), key=lambda ia: (ms(ia[1]['timestamp']), ia[0]), reverse=True)[:100]
for r, (_, a) in zip(rep['recent_applications'], recent):
    j = jobs.get(a['post_id'], {})
    same('recent country', r['location_country'], j.get('location_country', '(unknown)' if j else ''))
    same('recent work mode', r['work_mode'], j.get('work_mode', '(unknown)' if j else ''))
same('recent', [r['application_id'] for r in rep['recent_applications']],
     [a['application_id'] for _, a in recent])
same('newest event', ms(rep['freshness']['newest_event']),
     max(ms(r['timestamp']) for r in list(A) + list(jobs.values()) + list(cands.values())
         if 'timestamp' in r))
# the audits: by gender, and by gender x education level; groups under the minimum share of the
# audited applications stay out of the ratios, the reference group is the highest included rate
med = statistics.median(scores)
audit = rep['audit']
same('audit median', audit['median_score'], float(med))
same('audit min share', audit['min_group_share'], 0.02)
def value(c, f):
    v = c.get(f)
    return (v.strip() or None) if isinstance(v, str) else v
for k, fields in enumerate([['gender'], ['gender', 'education_level']]):
    by = audit['by'][k]
    same(f'audit {k} fields', by['fields'], fields)
    groups = {}
    for a in A:
        c = cands.get(a['candidate_id'], {})
        vals = [value(c, f) for f in fields]
        g = 'unknown' if any(v is None for v in vals) else ' \u00d7 '.join(str(v) for v in vals)
        groups.setdefault(g, []).append(a)
    total = len(A)
    rates = {g: (sum(a['status'] == 'Interview Scheduled' for a in v) / len(v),
                 sum(a['compatibility_score'] > med for a in v) / len(v)) for g, v in groups.items()}
    included = [g for g in groups if g != 'unknown' and len(groups[g]) >= 0.02 * total]
    best = [max((rates[g][i] for g in included), default=0) for i in (0, 1)]
    ref = [g for g in included if rates[g][0] == best[0]]
    same(f'audit {k} reference', by['selection_reference'] in ref, True)
    for row in by['groups']:
        g = row['group']
        same(f'audit {k} {g} size', row['applications'], len(groups[g]))
        same(f'audit {k} {g} selection', row['selection_rate'], round(rates[g][0], 6))
        same(f'audit {k} {g} scoring', row['scoring_rate'], round(rates[g][1], 6))
        same(f'audit {k} {g} excluded', row['excluded'], g != 'unknown' and g not in included)
        if g in included:
            same(f'audit {k} {g} ratio', row['selection_impact_ratio'], round(rates[g][0] / best[0], 6))
            same(f'audit {k} {g} flag', row['selection_flag'], rates[g][0] / best[0] < 0.8)
        else:
            same(f'audit {k} {g} no ratio', row['selection_impact_ratio'], None)
    same(f'audit {k} groups', sorted(r['group'] for r in by['groups']), sorted(groups))
print('agree' if not bad else '\n'.join(bad))
