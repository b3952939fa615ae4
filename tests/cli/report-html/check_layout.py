#!/usr/bin/env python3
"""Checks what measure.js found in the report page: no label clipped or overlapping, nothing
cut off, and, with one job family chosen in the page's filter, every chart's total equal to that
family's figures recounted here from the NDJSON (standard library only).

usage: check_layout.py DOM PIPELINE.ndjson VOCAB.json FAMILY NOW_S WIDTH
       check_layout.py --inject PAGE SCRIPT OUT: PAGE with SCRIPT run after its own, the
       script's hash added to the page's Content-Security-Policy (nothing else allowed)"""
import html, json, re, sys
from datetime import datetime, timezone

if sys.argv[1] == '--inject':
    import base64, hashlib
    page, script = open(sys.argv[2], encoding='utf-8').read(), open(sys.argv[3], encoding='utf-8').read()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    page, n = re.subn(r"script-src ('sha256-[^']+')", lambda m: f"script-src {m.group(1)} 'sha256-{digest}'", page)
    if n != 1:
        sys.exit('the page has no hash-based script-src')
    open(sys.argv[4], 'w', encoding='utf-8').write(page.replace('</body>', f'<script>{script}</script></body>'))
    sys.exit(0)

dom_path, data_path, vocab_path, family, now_s, width = sys.argv[1:7]
now_ms = int(now_s) * 1000


def ms(t):
    t = t.replace(' ', 'T')
    if t.endswith('Z'):
        t = t[:-1] + '+00:00'
    d = datetime.fromisoformat(t)
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return int(round(d.timestamp() * 1000))


m = re.search(r'<pre id="jm-test">(.*?)</pre>', open(dom_path, encoding='utf-8').read(), re.S)
if not m:
    print(f'{width} px: the measuring script left no result')
    sys.exit(0)
found = json.loads(html.unescape(m.group(1)))
problems = [f'{width} px: {p}' for p in found['problems']]
if found['width'] != int(width):
    problems.append(f'{width} px: the window was {found["width"]} px wide')

# The family's figures, recounted. SPEC "Taxonomy": a job is in a family when its category is
# in the family's group (a category in no group forms a family named after it).
groups = json.load(open(vocab_path))['job_family_groups']
in_family = {c.strip().lower() for c in groups.get(family, [])}
known = {c.strip().lower() for cs in groups.values() for c in cs}
apps, jobs, cands, seen = [], {}, {}, set()
for line in open(data_path, encoding='utf-8'):
    if not line.strip():
        continue
    r = json.loads(line)
    if r['type'] == 'application' and r['application_id'] not in seen:
        seen.add(r['application_id'])
        apps.append(r)
    elif r['type'] == 'job_post':
        jobs.setdefault(r['post_id'], r)
    elif r['type'] == 'candidate':
        cands.setdefault(r['candidate_id'], r)


def job_in(j):
    cat = (j.get('job_category') or '').strip().lower()
    return cat in in_family or (cat not in known and cat == family.strip().lower())


def salary(r, keys):
    for k in keys:
        if r.get(k) is not None:
            return r[k] if r[k] > 0 else None
    return None


def figures(A, J, C):
    dated = sum(1 for a in A if 'application_date' in a)
    offers = sum(1 for j in J if salary(j, ('salary_max', 'salary_min')))
    asks = sum(1 for c in C if salary(c, ('expected_salary', 'current_salary')))
    return {
        'tiles': len(A), 'time': dated, 'intervals': dated,
        'families': sum(1 for a in A if a.get('job_family') is not None),
        'categories': len(J), 'scores': sum(1 for a in A if a.get('compatibility_score') is not None),
        'statuses': len(A), 'boxplots': len(A), 'work-modes': len(J), 'employment-types': len(J),
        'education': len(C), 'salaries': offers, 'asks': asks, 'offer-vs-ask': offers + asks,
        'countries': len(J),
    }


order = sorted(range(len(apps)), key=lambda i: (ms(apps[i]['timestamp']), i), reverse=True)[:100]
all_recent = [apps[i] for i in order]
want_all = figures(apps, list(jobs.values()), list(cands.values()))
want_all['recent'] = len(all_recent)
FA = [a for a in apps if a.get('job_family') == family]
FJ = [j for j in jobs.values() if job_in(j)]
FC = [cands[c] for c in {a['candidate_id'] for a in FA} if c in cands]
want = figures(FA, FJ, FC)
want['recent'] = sum(1 for a in all_recent if a.get('job_family') == family)
for name, total in want_all.items():
    if found['all'].get(name) != total:
        problems.append(f'{width} px, unfiltered: {name} shows {found["all"].get(name)}, recount {total}')
for name, total in want.items():
    if found['filtered'].get(name) != total:
        problems.append(f'{width} px, family {family}: {name} shows {found["filtered"].get(name)}, '
                        f'recount {total}')
active = sum(1 for j in FJ if 'deadline_date' not in j or ms(j['deadline_date']) >= now_ms)
score = [a['compatibility_score'] for a in FA if a.get('compatibility_score') is not None]
tiles = {'applications': f'{len(FA):,}', 'active': f'{active:,}', 'candidates': f'{len(FC):,}',
         'average': f'{sum(score) / len(score):.1f}' if score else '-',
         'interviews': f'{sum(a.get("status") == "Interview Scheduled" for a in FA):,}',
         'shortlisted': f'{sum(a.get("status") in ("Interview Scheduled", "Under Review") for a in FA):,}'}
for k, v in tiles.items():
    if found['tiles'].get(k) != v:
        problems.append(f'{width} px, family {family}: tile {k} shows {found["tiles"].get(k)}, recount {v}')
if want == want_all:
    problems.append(f'the family {family} is the whole input: the filter test shows nothing')
print('\n'.join(problems) if problems else f'{width} px: labels clear, filter totals agree')
