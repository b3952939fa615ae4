#!/usr/bin/env python3
"""Checks Chromium's view of the report page: the rendered DOM, the net log and a screenshot."""
import base64, hashlib, json, re, struct, sys, zlib
from html.parser import HTMLParser


def page_requests(path):
    """URLs requested on behalf of a page (the browser's own background requests, such as
    update checks, carry no initiator origin and are not the page's doing)."""
    net = json.load(open(path))
    names = {v: k for k, v in net['constants']['logEventTypes'].items()}
    urls = []
    for e in net.get('events', []):
        p = e.get('params') or {}
        if names.get(e.get('type')) != 'URL_REQUEST_START_JOB' or 'url' not in p:
            continue
        if p.get('initiator') == 'not an origin' and 'file://' not in p.get('network_isolation_key', ''):
            continue
        if not p['url'].startswith(('file:', 'data:')):
            urls.append(p['url'])
    return urls

if sys.argv[1] == '--requests':
    # For the control page: how many requests the page made.
    print(len(page_requests(sys.argv[2])))
    sys.exit(0)

dom_path, net_path, png_path, page_path = sys.argv[1:5]
problems = []

CHARTS = ['tiles', 'time', 'intervals', 'families', 'categories', 'scores', 'statuses',
          'boxplots', 'work-modes', 'employment-types', 'education', 'salaries', 'asks',
          'offer-vs-ask', 'countries', 'recent']

class Dom(HTMLParser):
    """Counts, per data-chart block, its drawn marks and table rows."""
    def __init__(self):
        super().__init__()
        self.stack, self.marks, self.rows, self.audit = [], {}, 0, 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        chart = a.get('data-chart')
        if tag in ('figure', 'section'):
            self.stack.append(chart)
            if chart:
                self.marks.setdefault(chart, 0)
        if 'data-audit' in a:
            self.audit += 1
        current = next((c for c in reversed(self.stack) if c), None)
        if current and ('mark' in a.get('class', '').split() or 'tile' in a.get('class', '').split()):
            self.marks[current] += 1
        if current == 'recent' and tag == 'tr':
            self.rows += 1
    def handle_endtag(self, tag):
        if tag in ('figure', 'section') and self.stack:
            self.stack.pop()

d = Dom()
d.feed(open(dom_path, encoding='utf-8').read())
for c in CHARTS:
    if c == 'recent':
        continue
    if d.marks.get(c, 0) == 0:
        problems.append(f'chart {c} drew nothing')
if d.rows < 11:  # the header row and a page of ten
    problems.append(f'recent-applications table has {d.rows} rows: its script did not run')
if d.audit < 1:
    problems.append('no audit table')

# The page names no outside resource, and the net log shows no request but the page itself.
page = open(page_path, encoding='utf-8').read()
for m in re.finditer(r'(?:src|href)\s*=\s*["\']?([^"\' >]+)', page):
    problems.append(f'page refers to {m.group(1)}')
if re.search(r'https?://', page):
    problems.append('page contains an http(s) URL')
# A strict policy: nothing from elsewhere, and inline code only by the hashes of the page's own
# script and style sheet.
csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
if not csp:
    problems.append('no Content-Security-Policy')
else:
    policy = dict((d.split(' ', 1) + [''])[:2] for d in csp.group(1).split('; '))
    if policy.get('default-src') != "'none'" or 'unsafe' in csp.group(1):
        problems.append('the policy is not strict: ' + csp.group(1))
    def digest(code):
        return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
    scripts = re.findall(r'<script>(.*?)</script>', page, re.S)
    styles = re.findall(r'<style>(.*?)</style>', page, re.S)
    if policy.get('script-src', '').split() != [digest(c) for c in scripts]:
        problems.append('script-src does not hold the hash of exactly the page\'s script')
    if policy.get('style-src', '').split() != [digest(c) for c in styles]:
        problems.append('style-src does not hold the hash of exactly the page\'s style sheet')
outside = page_requests(net_path)
if outside:
    problems.append('network requests: ' + ', '.join(outside[:5]))

# The screenshot: decode the PNG and count distinct colours over sampled pixels.
raw = open(png_path, 'rb').read()
if raw[:8] != b'\x89PNG\r\n\x1a\n':
    problems.append('screenshot is not a PNG')
else:
    pos, idat, w = 8, b'', 0
    while pos < len(raw):
        n, kind = struct.unpack('>I4s', raw[pos:pos + 8])
        body = raw[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    data = zlib.decompress(idat)
    bpp = {2: 3, 6: 4}.get(ctype, 4)
    stride = w * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(h):
        f = data[y * (stride + 1)]
        line = bytearray(data[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):  # undo the PNG filters
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if y % 8 == 0:
            for x in range(0, w, 8):
                colours.add(bytes(line[x * bpp:x * bpp + 3]))
    if len(colours) < 20:
        problems.append(f'screenshot looks blank ({len(colours)} colours)')

print('\n'.join(problems) if problems else 'page renders every chart, offline')
