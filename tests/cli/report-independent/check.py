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
recent = sorted(enumerate(A), key=lambda ia: (ms(ia[1]['timestamp']), ia[0]), reverse=True)[:100]
same('recent', [r['application_id'] for r in rep['recent_applications']],
     [a['application_id'] for _, a in recent])
same('newest event', ms(rep['freshness']['newest_event']),
     max(ms(r['timestamp']) for r in list(A) + list(jobs.values()) + list(cands.values())
         if 'timestamp' in r))
# the audit by gender
med = statistics.median(scores)
same('audit median', rep['audit']['median_score'], float(med))
groups = {}
for a in A:
    c = cands.get(a['candidate_id'], {})
    g = (c.get('gender') or '').strip() or 'unknown'
    groups.setdefault(g, []).append(a)
rates = {g: (sum(a['status'] == 'Interview Scheduled' for a in v) / len(v),
             sum(a['compatibility_score'] > med for a in v) / len(v)) for g, v in groups.items()}
best = [max(r[i] for g, r in rates.items() if g != 'unknown') for i in (0, 1)]
for row in rep['audit']['by'][0]['groups']:
    g = row['group']
    same(f'audit {g} size', row['applications'], len(groups[g]))
    same(f'audit {g} selection', row['selection_rate'], round(rates[g][0], 6))
    same(f'audit {g} scoring', row['scoring_rate'], round(rates[g][1], 6))
    if g != 'unknown':
        same(f'audit {g} ratio', row['selection_impact_ratio'], round(rates[g][0] / best[0], 6))
        same(f'audit {g} flag', row['selection_flag'], rates[g][0] / best[0] < 0.8)
same('audit groups', sorted(r['group'] for r in rep['audit']['by'][0]['groups']), sorted(groups))
print('agree' if not bad else '\n'.join(bad))
