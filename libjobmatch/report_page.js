/* jm-report's HTML page: draws every chart as inline SVG from the figures embedded in the page,
 * at the width it is shown at, and redraws them for the filter chosen. No request leaves the
 * page. Labels are measured before they are placed: a label that does not fit is shortened (the
 * whole text stays in the tooltip) or left out, and the chart says so. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var NS = document.getElementById('svg-ns').namespaceURI;
  var COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1',
    '#ff9da7', '#9c755f', '#bab0ac', '#1f77b4', '#8c564b', '#17becf', '#bcbd22', '#7f7f7f'];
  var DIMS = [['family', 'Job family'], ['country', 'Country'], ['work_mode', 'Work mode'],
    ['status', 'Status']];

  /* ---- formatting ---------------------------------------------------------------------- */
  function fmt(n) { return Math.round(n).toLocaleString('en-US'); }
  function pct(x) { return x > 0 && x < 0.0005 ? '<0.1%' : (100 * x).toFixed(1) + '%'; }
  function money(v) {
    var a = Math.abs(v);
    if (a < 1e3) return v.toFixed(0);
    if (a < 1e6) return (v / 1e3).toFixed(a % 1e3 ? 1 : 0) + 'k';
    if (a < 1e9) return +(v / 1e6).toPrecision(3) + 'M';
    if (a < 1e12) return +(v / 1e9).toPrecision(3) + 'B';
    return v.toExponential(1);
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function day(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
  }
  function span(hours) {
    if (hours < 48) return hours === 1 ? 'hour' : hours + ' hours';
    return +(hours / 24).toPrecision(3) + ' days';
  }
  /* Ticks for 0..max: a step of 1, 2 or 5 times a power of ten, about count of them. */
  function ticks(max, count) {
    if (max <= 0) return [0, 1];
    var raw = max / count, p = Math.pow(10, Math.floor(Math.log10(raw))), step = p;
    [1, 2, 5, 10].some(function (m) { step = m * p; return step >= raw; });
    step = Math.max(step, 1);
    var out = [];
    for (var v = 0; v < max + step - 1e-9; v += step) out.push(v);
    return out;
  }

  /* ---- SVG and text measuring ---------------------------------------------------------- */
  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  var ruler = el('svg', { width: 0, height: 0, class: 'ruler', 'aria-hidden': 'true' });
  document.body.appendChild(ruler);
  var widths = {};
  function textW(s, cls) {
    var key = (cls || '') + '\u0000' + s;
    if (!(key in widths)) {
      var t = el('text', cls ? { class: cls } : {}, ruler, s);
      widths[key] = t.getComputedTextLength();
      ruler.removeChild(t);
    }
    return widths[key];
  }
  /* s cut with an ellipsis to at most w pixels ('' when not even one character fits). */
  function fit(s, w, cls) {
    if (textW(s, cls) <= w) return s;
    var chars = Array.from(s), lo = 0, hi = chars.length;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (textW(chars.slice(0, mid).join('') + '\u2026', cls) <= w) lo = mid; else hi = mid - 1;
    }
    return lo ? chars.slice(0, lo).join('') + '\u2026' : '';
  }
  function title(e, s) { el('title', {}, e, s); return e; }
  /* A labelled text: shortened to w pixels, the whole text in its tooltip when shortened. */
  function label(parent, attrs, s, w, cls) {
    var shown = fit(s, w, cls);
    if (!shown) return null;
    if (cls) attrs.class = cls;
    var t = el('text', attrs, parent, shown);
    if (shown !== s) title(t, s);
    return t;
  }

  /* ---- the charts ---------------------------------------------------------------------- */
  var figs = {};
  Array.prototype.forEach.call(document.querySelectorAll('figure[data-chart]'), function (f) {
    figs[f.getAttribute('data-chart')] = f;
  });
  function start(name, height, total) {
    var f = figs[name], plot = f.querySelector('.plot');
    plot.textContent = '';
    f.querySelector('.note').textContent = '';
    f.setAttribute('data-total', total);
    var w = Math.max(200, Math.floor(plot.getBoundingClientRect().width));
    var svg = el('svg', { width: w, height: height, role: 'img', viewBox: '0 0 ' + w + ' ' + height },
      plot);
    return { svg: svg, w: w, h: height, fig: f };
  }
  function note(c, s) {
    var n = c.fig.querySelector('.note');
    n.textContent = n.textContent ? n.textContent + ' ' + s : s;
  }
  function empty(c) {
    el('text', { x: c.w / 2, y: c.h / 2 + 4, 'text-anchor': 'middle', class: 'empty' }, c.svg,
      'no data yet');
  }
  function sum(a) { return a.reduce(function (s, v) { return s + v; }, 0); }

  /* Horizontal bars, one row per item {label, value}. */
  function hbars(name, items, total, unit, color) {
    var row = 22, c = start(name, Math.max(2, items.length) * row + 8, total);
    if (!items.length) return empty(c), c;
    var max = Math.max.apply(null, items.map(function (i) { return i.value; }));
    var lw = Math.min(c.w * 0.42, Math.max.apply(null, items.map(function (i) {
      return textW(i.label); })) + 2);
    var vw = Math.max.apply(null, items.map(function (i) { return textW(fmt(i.value), 'val'); }));
    var x0 = lw + 8, pw = Math.max(10, c.w - x0 - vw - 8);
    items.forEach(function (it, i) {
      var y = 4 + i * row, bw = max ? pw * it.value / max : 0;
      label(c.svg, { x: lw, y: y + 15, 'text-anchor': 'end' }, it.label, lw);
      title(el('rect', { class: 'mark', x: x0, y: y + 3, width: Math.max(bw, it.value ? 1 : 0),
        height: row - 6, fill: color || COLORS[i % COLORS.length] }, c.svg),
        it.label + ': ' + fmt(it.value) + ' ' + unit + (total ? ' (' + pct(it.value / total) + ')' : ''));
      el('text', { x: x0 + bw + 4, y: y + 15, class: 'val' }, c.svg, fmt(it.value));
    });
    return c;
  }
  /* Items {label, value} of the nonzero counts by key index, highest first. */
  function ranked(keys, counts) {
    var items = [];
    counts.forEach(function (v, i) { if (v) items.push({ label: keys[i], value: v, i: i }); });
    items.sort(function (a, b) { return b.value - a.value || a.i - b.i; });
    return items;
  }
  function barsOf(name, keys, counts, limit, unit, what) {
    var items = ranked(keys, counts), total = sum(counts);
    var shown = items.slice(0, limit), c = hbars(name, shown, total, unit);
    if (items.length > shown.length) {
      var rest = sum(items.slice(limit).map(function (i) { return i.value; }));
      note(c, 'The top ' + shown.length + ' of ' + items.length + ' ' + what + '; the other ' +
        (items.length - shown.length) + ' hold ' + fmt(rest) + ' ' + unit + '.');
    }
    return c;
  }

  /* Y axis with gridlines at nice ticks; returns the scale and the left margin used. */
  function yaxis(c, max, top, bottom) {
    var tk = ticks(max, c.h > 200 ? 5 : 4), hi = tk[tk.length - 1];
    var left = Math.max.apply(null, tk.map(function (v) { return textW(fmt(v), 'tick'); })) + 8;
    var ph = c.h - top - bottom;
    tk.forEach(function (v) {
      var y = top + ph - ph * v / hi;
      el('line', { class: 'gridline', x1: left, x2: c.w - 4, y1: y, y2: y }, c.svg);
      el('text', { x: left - 4, y: y + 4, 'text-anchor': 'end', class: 'tick' }, c.svg, fmt(v));
    });
    return { left: left, y: function (v) { return top + ph - ph * v / hi; }, base: top + ph };
  }
  /* Tick labels along x at positions xs: every k-th (k from steps when given), k the smallest
   * that keeps them 6 px apart; a label at either end is moved inward to stay inside. */
  function xlabels(c, xs, texts, y, steps) {
    var w = texts.map(function (t) { return textW(t, 'tick'); });
    function at(i) { return Math.min(Math.max(xs[i], w[i] / 2 + 1), c.w - w[i] / 2 - 1); }
    function ok(step) {
      var last = -Infinity;
      for (var i = 0; i < xs.length; i += step) {
        if (at(i) - w[i] / 2 < last + 6) return false;
        last = at(i) + w[i] / 2;
      }
      return true;
    }
    var cand = steps || xs.map(function (x, i) { return i + 1; }), k = xs.length;
    for (var j = 0; j < cand.length; j++) if (ok(cand[j])) { k = cand[j]; break; }
    for (var i = 0; i < xs.length; i += k)
      el('text', { x: at(i), y: y, 'text-anchor': 'middle', class: 'tick' }, c.svg, texts[i]);
    return k;
  }
  /* A histogram: bars side by side, edges labelled (edges: n + 1 texts) or centres (n texts). */
  function vbars(name, counts, total, opts) {
    var c = start(name, 236, total), top = 10, bottom = 40, max = Math.max.apply(null, [0].concat(counts));
    if (!counts.length || !total) return empty(c), c;
    var ax = yaxis(c, max, top, bottom), pw = c.w - ax.left - 6, bw = pw / counts.length;
    counts.forEach(function (v, i) {
      var y = ax.y(v);
      title(el('rect', { class: 'mark', x: ax.left + bw * i + 0.5, y: y, width: Math.max(bw - 1, 0.5),
        height: ax.base - y, fill: opts.color }, c.svg), opts.tip(i) + ': ' + fmt(v));
    });
    el('line', { class: 'axis', x1: ax.left, x2: ax.left + pw, y1: ax.base, y2: ax.base }, c.svg);
    var xs = [], texts = opts.edges || opts.centres;
    for (var i = 0; i < texts.length; i++)
      xs.push(ax.left + bw * (opts.edges ? i : i + 0.5));
    xlabels(c, xs, texts, ax.base + 18, opts.steps);
    if (opts.axis)
      el('text', { x: ax.left + pw / 2, y: c.h - 3, 'text-anchor': 'middle', class: 'small' }, c.svg,
        opts.axis);
    return c;
  }

  /* Applications over time: the series re-binned so that points stay a few pixels apart. */
  function overTime(v) {
    var total = sum(v.time), c = start('time', 250, total), T = D.time;
    var caption = c.fig.querySelector('figcaption');
    if (!total) { caption.textContent = 'Applications over time'; return empty(c); }
    var top = 12, bottom = 40, room = Math.max(20, Math.floor((c.w - 60) / 3));
    var per = 1;
    while (Math.ceil(v.time.length / per) > room) per *= 2;
    var pts = [];
    for (var i = 0; i < v.time.length; i += per) pts.push(sum(v.time.slice(i, i + per)));
    var hours = T.bucket_hours * per, ms = hours * 3600000, days = v.time.length * T.bucket_hours / 24;
    caption.textContent = 'Applications over time, per ' + span(hours) +
      ' (application date, UTC)';
    var ax = yaxis(c, Math.max.apply(null, pts), top, bottom), pw = c.w - ax.left - 10;
    var x = function (i) { return ax.left + (pts.length > 1 ? pw * i / (pts.length - 1) : pw / 2); };
    var line = pts.map(function (p, i) { return x(i).toFixed(1) + ',' + ax.y(p).toFixed(1); });
    el('polygon', { points: x(0) + ',' + ax.base + ' ' + line.join(' ') + ' ' + x(pts.length - 1) +
      ',' + ax.base, fill: '#4e79a733' }, c.svg);
    var pl = el('polyline', { class: 'mark', points: line.join(' '), fill: 'none',
      stroke: '#4e79a7', 'stroke-width': 1.5 }, c.svg);
    title(pl, fmt(total) + ' applications from ' + day(T.from_ms) + ' to ' +
      day(T.from_ms + v.time.length * T.bucket_hours * 3600000 - 1));
    el('line', { class: 'axis', x1: ax.left, x2: ax.left + pw, y1: ax.base, y2: ax.base }, c.svg);
    /* date ticks at whole days, months or years, as the span allows */
    var t0 = T.from_ms, t1 = T.from_ms + pts.length * ms, xs = [], texts = [];
    var d = new Date(t0), unit;
    unit = days > 1100 ? 'year' : days > 90 ? 'month' : 'day';
    d = unit === 'year' ? new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1))
      : unit === 'month' ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
        : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
    for (; d.getTime() < t1; ) {
      var frac = (d.getTime() - t0) / (t1 - t0 - ms || 1);
      xs.push(ax.left + pw * Math.min(frac, 1));
      texts.push(unit === 'year' ? String(d.getUTCFullYear()) : unit === 'month' ?
        day(d.getTime()).slice(0, 7) : day(d.getTime()).slice(5));
      d = unit === 'year' ? new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1))
        : unit === 'month' ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))
          : new Date(d.getTime() + 864e5);
    }
    if (xs.length) xlabels(c, xs, texts, ax.base + 18);
    el('text', { x: c.w - 4, y: c.h - 3, 'text-anchor': 'end', class: 'small' }, c.svg,
      day(T.from_ms) + ' to ' + day(T.from_ms + v.time.length * T.bucket_hours * 3600000 - 1));
    if (hours > 3)
      note(c, 'Drawn per ' + span(hours) + ' to fit the span (' + (days / 365.25).toFixed(1) +
        ' years) into the width; jm-report --json has the counts per ' + span(D.time.json_bucket_hours) + '.');
  }

  function donut(v) {
    var st = v.status.filter(function (s) { return s[1] > 0; }).sort(function (a, b) {
      return b[1] - a[1] || a[0] - b[0]; });
    var wide = figs.statuses.querySelector('.plot').getBoundingClientRect().width >= 400;
    var rows = st.length, h = wide ? Math.max(230, rows * 32 + 16) : 236 + rows * 32;
    var c = start('statuses', h, v.apps), r = 95, ri = 58, cx = wide ? 110 : c.w / 2, cy = 112;
    if (!v.apps) {
      el('circle', { cx: cx, cy: cy, r: (r + ri) / 2, fill: 'none', stroke: '#e4e4e4',
        'stroke-width': r - ri }, c.svg);
      el('text', { x: cx, y: cy + 5, 'text-anchor': 'middle', class: 'empty' }, c.svg, 'no data yet');
      return;
    }
    var a0 = -Math.PI / 2;
    st.forEach(function (s, i) {
      var frac = s[1] / v.apps, color = COLORS[i % COLORS.length], name = D.keys.status[s[0]];
      var tip = name + ': ' + fmt(s[1]) + ' (' + pct(frac) + ')', mark;
      if (frac > 0.9999) {
        mark = el('circle', { class: 'mark', cx: cx, cy: cy, r: (r + ri) / 2, fill: 'none',
          stroke: color, 'stroke-width': r - ri }, c.svg);
      } else {
        var a1 = a0 + frac * 2 * Math.PI, large = frac > 0.5 ? 1 : 0;
        var P = function (rad, a) { return (cx + rad * Math.cos(a)).toFixed(2) + ',' +
          (cy + rad * Math.sin(a)).toFixed(2); };
        mark = el('path', { class: 'mark', fill: color, d: 'M' + P(r, a0) + ' A' + r + ',' + r +
          ' 0 ' + large + ' 1 ' + P(r, a1) + ' L' + P(ri, a1) + ' A' + ri + ',' + ri + ' 0 ' +
          large + ' 0 ' + P(ri, a0) + ' Z' }, c.svg);
        a0 = a1;
      }
      title(mark, tip);
      var lx = wide ? 230 : 12, ly = wide ? 14 + i * 32 : 232 + i * 32;
      el('rect', { x: lx, y: ly, width: 12, height: 12, fill: color }, c.svg);
      label(c.svg, { x: lx + 18, y: ly + 10 }, name, c.w - lx - 22);
      el('text', { x: lx + 18, y: ly + 24, class: 'small' }, c.svg, pct(frac) + ' \u00b7 ' + fmt(s[1]));
    });
    el('text', { x: cx, y: cy + 4, 'text-anchor': 'middle', class: 'big' }, c.svg, fmt(v.apps));
    el('text', { x: cx, y: cy + 22, 'text-anchor': 'middle', class: 'small' }, c.svg, 'applications');
  }

  /* Score by status: one horizontal box plot per status, on a 0-100 axis. */
  function boxes(v) {
    var st = v.status.filter(function (s) { return s[1] > 0; }).sort(function (a, b) {
      return b[1] - a[1] || a[0] - b[0]; });
    var row = 30, c = start('boxplots', Math.max(2, st.length) * row + 40, v.apps);
    if (!st.length) return empty(c);
    var lw = Math.min(c.w * 0.35, Math.max.apply(null, st.map(function (s) {
      return textW(D.keys.status[s[0]]); })) + 2);
    var x0 = lw + 10, pw = c.w - x0 - 12, X = function (s) { return x0 + pw * s / 100; };
    var base = st.length * row + 8;
    [0, 25, 50, 75, 100].forEach(function (t) {
      el('line', { class: 'gridline', x1: X(t), x2: X(t), y1: 4, y2: base }, c.svg);
      el('text', { x: X(t), y: base + 14, 'text-anchor': 'middle', class: 'tick' }, c.svg, t);
    });
    el('text', { x: x0 + pw / 2, y: base + 29, 'text-anchor': 'middle', class: 'small' }, c.svg,
      'compatibility score');
    st.forEach(function (s, i) {
      var name = D.keys.status[s[0]], y = 6 + i * row + row / 2;
      label(c.svg, { x: lw, y: y + 4, 'text-anchor': 'end' }, name, lw);
      if (!s[2]) return;
      var q = s.slice(3), g = el('g', { class: 'mark' }, c.svg), bh = 14;
      title(g, name + ': min ' + q[0] + ', Q1 ' + q[1] + ', median ' + q[2] + ', Q3 ' + q[3] +
        ', max ' + q[4] + ' (' + fmt(s[2]) + ' scored)');
      el('line', { x1: X(q[0]), x2: X(q[4]), y1: y, y2: y, stroke: '#555' }, g);
      el('rect', { x: X(q[1]), y: y - bh / 2, width: Math.max(1, X(q[3]) - X(q[1])), height: bh,
        fill: COLORS[i % COLORS.length], stroke: '#333' }, g);
      el('line', { x1: X(q[2]), x2: X(q[2]), y1: y - bh / 2, y2: y + bh / 2, stroke: '#111',
        'stroke-width': 2 }, g);
      [0, 4].forEach(function (k) {
        el('line', { x1: X(q[k]), x2: X(q[k]), y1: y - 4, y2: y + 4, stroke: '#555' }, g);
      });
    });
  }

  /* Squarified treemap (Bruls, Huizing, van Wijk) of items {label, value}. */
  function squarify(areas, box) {
    var out = [], i = 0;
    function worst(a, n, side) {
      var s = 0, mx = 0, mn = Infinity;
      for (var j = 0; j < n; j++) { s += a[j]; mx = Math.max(mx, a[j]); mn = Math.min(mn, a[j]); }
      return Math.max(side * side * mx / (s * s), s * s / (side * side * mn));
    }
    while (i < areas.length) {
      var side = Math.min(box.w, box.h), k = 1, rest = areas.slice(i);
      while (i + k < areas.length && worst(rest, k + 1, side) <= worst(rest, k, side)) k++;
      var s = sum(rest.slice(0, k));
      if (box.w >= box.h) {
        var cw = s / box.h, y = box.y;
        for (var j = 0; j < k; j++) { var hh = areas[i + j] / cw; out.push({ x: box.x, y: y, w: cw, h: hh }); y += hh; }
        box = { x: box.x + cw, y: box.y, w: box.w - cw, h: box.h };
      } else {
        var rh = s / box.w, x = box.x;
        for (var j2 = 0; j2 < k; j2++) { var ww = areas[i + j2] / rh; out.push({ x: x, y: box.y, w: ww, h: rh }); x += ww; }
        box = { x: box.x, y: box.y + rh, w: box.w, h: box.h - rh };
      }
      i += k;
    }
    return out;
  }
  function treemap(v) {
    var items = ranked(D.keys.country, v.country), total = sum(v.country);
    var c = start('countries', 340, total);
    var list = figs.countries.querySelector('details');
    list.querySelector('summary').textContent = 'Jobs in each of the ' + items.length + ' countries';
    var ul = list.querySelector('ul');
    ul.textContent = '';
    items.forEach(function (it) {
      var li = document.createElement('li');
      li.textContent = it.label + ' ' + fmt(it.value);
      ul.appendChild(li);
    });
    if (!total) return empty(c);
    /* A country gets a tile of its own when the tile would be at least 40 x 40 px; the others
     * share one "Other" tile. */
    var keep = items.filter(function (it) { return c.w * c.h * it.value / total >= 1600; });
    var tail = items.slice(keep.length);
    var tiles = keep.slice();
    if (tail.length)
      tiles.push({ label: 'Other (' + tail.length + ' countries)', value: sum(tail.map(function (t) {
        return t.value; })), other: tail });
    var cells = squarify(tiles.map(function (t) { return c.w * c.h * t.value / total; }),
      { x: 0, y: 0, w: c.w, h: c.h });
    var unlabelled = 0;
    tiles.forEach(function (t, i) {
      var r = cells[i], g = el('g', { class: 'mark tile' }, c.svg);
      el('rect', { x: r.x, y: r.y, width: r.w, height: r.h, fill: t.other ? '#9aa3ad' :
        COLORS[i % COLORS.length], stroke: '#fff', 'stroke-width': 2 }, g);
      title(g, t.label + ': ' + fmt(t.value) + ' jobs (' + pct(t.value / total) + ')' +
        (t.other ? '\n' + t.other.map(function (o) { return o.label + ' ' + fmt(o.value); }).join(', ') : ''));
      var shown = r.h >= 20 ? fit(t.label, r.w - 10, 'tlbl') : '';
      if (shown && textW(shown, 'tlbl') >= Math.min(textW(t.label, 'tlbl'), 28)) {
        el('text', { x: r.x + 5, y: r.y + 15, class: 'tlbl' }, g, shown);
        if (r.h >= 34 && textW(fmt(t.value), 'tval') <= r.w - 10)
          el('text', { x: r.x + 5, y: r.y + 29, class: 'tval' }, g, fmt(t.value));
      } else {
        unlabelled++;
      }
    });
    if (tail.length)
      note(c, 'The ' + tail.length + ' countries too small for a tile of their own at this width share the grey "Other" tile.');
    if (unlabelled)
      note(c, unlabelled + ' tiles are too small for a label: hover for the name; every country is in the list below.');
  }

  /* Offers beside asks: for each bin, the share of jobs and of candidates, side by side. */
  function offerAsk(v) {
    var bins = v.ova, tj = sum(bins.map(function (b) { return b[2]; })),
      tc = sum(bins.map(function (b) { return b[3]; }));
    var c = start('offer-vs-ask', 256, tj + tc), top = 26, bottom = 40;
    if (!bins.length) return empty(c);
    var sh = bins.map(function (b) { return [tj ? b[2] / tj : 0, tc ? b[3] / tc : 0]; });
    var max = Math.max.apply(null, sh.map(function (s) { return Math.max(s[0], s[1]); }));
    var tk = ticks(max * 100, 4), hi = tk[tk.length - 1] / 100;
    var left = Math.max.apply(null, tk.map(function (t) { return textW(t + '%', 'tick'); })) + 8;
    var ph = c.h - top - bottom, Y = function (s) { return top + ph - ph * s / hi; };
    tk.forEach(function (t) {
      el('line', { class: 'gridline', x1: left, x2: c.w - 4, y1: Y(t / 100), y2: Y(t / 100) }, c.svg);
      el('text', { x: left - 4, y: Y(t / 100) + 4, 'text-anchor': 'end', class: 'tick' }, c.svg, t + '%');
    });
    var pw = c.w - left - 6, bw = pw / bins.length;
    bins.forEach(function (b, i) {
      [0, 1].forEach(function (k) {
        var y = Y(sh[i][k]);
        title(el('rect', { class: 'mark', x: left + bw * i + 1 + k * (bw - 2) / 2, y: y,
          width: Math.max((bw - 2) / 2, 0.5), height: top + ph - y, fill: k ? '#59a14f' : '#f28e2b' },
          c.svg), money(b[0]) + '-' + money(b[1]) + ': ' + fmt(b[2 + k]) + (k ? ' candidates (' : ' jobs (') +
          pct(sh[i][k]) + ')');
      });
    });
    el('line', { class: 'axis', x1: left, x2: left + pw, y1: top + ph, y2: top + ph }, c.svg);
    var xs = [], texts = [];
    for (var i = 0; i <= bins.length; i++) {
      xs.push(left + bw * i);
      texts.push(money(i < bins.length ? bins[i][0] : bins[i - 1][1]));
    }
    xlabels(c, xs, texts, top + ph + 18);
    el('rect', { x: left, y: 4, width: 12, height: 12, fill: '#f28e2b' }, c.svg);
    el('text', { x: left + 16, y: 14 }, c.svg, 'Job offers (' + fmt(tj) + ')');
    var lx = left + 16 + textW('Job offers (' + fmt(tj) + ')') + 16;
    el('rect', { x: lx, y: 4, width: 12, height: 12, fill: '#59a14f' }, c.svg);
    label(c.svg, { x: lx + 16, y: 14 }, 'Candidates\u2019 asks (' + fmt(tc) + ')', c.w - lx - 20);
    el('text', { x: left + pw / 2, y: c.h - 3, 'text-anchor': 'middle', class: 'small' }, c.svg,
      'salary (share of jobs, share of candidates)');
  }

  function moneyHist(name, m, color, what) {
    var edges = m.bins.map(function (b) { return money(b[0]); });
    if (m.bins.length) edges.push(money(m.bins[m.bins.length - 1][1]));
    vbars(name, m.bins.map(function (b) { return b[2]; }), m.n, {
      color: color, edges: edges, axis: 'salary (' + what + ')',
      tip: function (i) { return money(m.bins[i][0]) + '-' + money(m.bins[i][1]); }
    });
  }

  /* ---- tiles and the table ------------------------------------------------------------- */
  function tiles(v) {
    var set = function (k, val, nt) {
      var t = document.querySelector('[data-tile="' + k + '"]');
      if (!t) return;
      t.querySelector('.tvalue').textContent = val;
      if (nt !== undefined) t.querySelector('.tnote').textContent = nt;
    };
    set('applications', fmt(v.apps));
    set('active', fmt(v.active), 'of ' + fmt(v.jobs) + ' jobs posted');
    set('candidates', fmt(v.candidates));
    set('average', v.scored ? (v.score_sum / v.scored).toFixed(1) : '-');
    set('shortlisted', fmt(v.shortlisted));
    set('interviews', fmt(v.interviews));
    var t = document.querySelector('[data-chart="tiles"]');
    t.setAttribute('data-total', v.apps);
  }

  var state = { dim: '', idx: -1, key: 'timestamp', asc: false, page: 0, size: 10 };
  var COLS = [['timestamp', 'Time', 'nowrap'], ['application_date', 'Applied', 'nowrap'],
    ['compatibility_score', 'Score', 'num'], ['status', 'Status', 'nowrap'],
    ['candidate_name', 'Candidate', 'text'], ['job_title', 'Job', 'text'],
    ['company', 'Company', 'text'], ['job_family', 'Family', 'text'],
    ['location_country', 'Country', 'text'], ['work_mode', 'Work mode', 'text'],
    ['match_reason', 'Match reason', 'reason']];
  var FIELD = { family: 'job_family', status: 'status', work_mode: 'work_mode',
    country: 'location_country' };
  var table = document.getElementById('recent'), head = table.tHead.rows[0], body = table.tBodies[0];
  COLS.forEach(function (c) {
    var th = document.createElement('th'), b = document.createElement('button');
    b.type = 'button';
    b.textContent = c[1];
    b.setAttribute('data-key', c[0]);
    b.onclick = function () {
      if (state.key === c[0]) state.asc = !state.asc;
      else { state.key = c[0]; state.asc = !/timestamp|date|score/.test(c[0]); }
      state.page = 0;
      drawTable();
      save();
    };
    if (c[2] === 'num') th.className = 'num';
    th.appendChild(b);
    head.appendChild(th);
  });
  function rows() {
    var name = state.dim ? D.keys[state.dim][state.idx] : null;
    return D.recent.filter(function (r) {
      return !state.dim || (r[FIELD[state.dim]] || (state.dim === 'status' ? '(none)' : '')) === name;
    });
  }
  function drawTable() {
    var key = state.key, asc = state.asc;
    var data = rows().sort(function (a, b) {
      var x = a[key], y = b[key];
      if (x === y) return 0;
      if (x === null || x === '') return 1;
      if (y === null || y === '') return -1;
      return (x < y ? -1 : 1) * (asc ? 1 : -1);
    });
    var pages = Math.max(1, Math.ceil(data.length / state.size));
    if (state.page >= pages) state.page = pages - 1;
    body.textContent = '';
    data.slice(state.page * state.size, (state.page + 1) * state.size).forEach(function (r) {
      var tr = document.createElement('tr');
      COLS.forEach(function (c) {
        var td = document.createElement('td'), v = r[c[0]];
        if (c[0] === 'candidate_name' && !v) v = r.candidate_id;
        if (c[0] === 'job_title' && !v) v = r.post_id;
        if ((c[0] === 'timestamp' || c[0] === 'application_date') && v) v = v.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
        td.textContent = v === null || v === undefined || v === '' ? '-' : String(v);
        if (c[2]) td.className = c[2];
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    Array.prototype.forEach.call(head.querySelectorAll('button'), function (b) {
      if (b.getAttribute('data-key') === key) b.setAttribute('data-dir', asc ? 'asc' : 'desc');
      else b.removeAttribute('data-dir');
    });
    document.getElementById('page').textContent = 'Page ' + (state.page + 1) + ' of ' + pages +
      ' (' + fmt(data.length) + (state.dim ? ' of the ' + D.recent.length + ' most recent match the filter)' :
        ' most recent applications)');
    document.getElementById('prev').disabled = state.page === 0;
    document.getElementById('next').disabled = state.page >= pages - 1;
    document.getElementById('size').value = String(state.size);
    figs.recent.setAttribute('data-total', data.length);
  }
  document.getElementById('prev').onclick = function () { state.page--; drawTable(); save(); };
  document.getElementById('next').onclick = function () { state.page++; drawTable(); save(); };
  document.getElementById('size').onchange = function (e) {
    state.size = +e.target.value; state.page = 0; drawTable(); save();
  };

  /* ---- the filter, and the state kept in the address across reloads ------------------- */
  var bar = document.getElementById('filters'), selects = {};
  DIMS.forEach(function (d) {
    var values = D.filters[d[0]] || [];
    var lab = document.createElement('label'), s = document.createElement('select');
    lab.textContent = d[1] + ' ';
    var all = document.createElement('option');
    all.value = '';
    all.textContent = 'All';
    s.appendChild(all);
    values.slice().sort(function (a, b) {
      return D.keys[d[0]][a].localeCompare(D.keys[d[0]][b]); }).forEach(function (i) {
      var o = document.createElement('option');
      o.value = String(i);
      o.textContent = D.keys[d[0]][i];
      s.appendChild(o);
    });
    s.setAttribute('data-dim', d[0]);
    s.onchange = function () { choose(s.value === '' ? '' : d[0], s.value === '' ? -1 : +s.value); };
    lab.appendChild(s);
    bar.appendChild(lab);
    selects[d[0]] = s;
  });
  var showing = document.createElement('span');
  showing.className = 'showing';
  bar.appendChild(showing);
  var filterable = DIMS.some(function (d) { return (D.filters[d[0]] || []).length; });

  function view() {
    return state.dim ? D.views[state.dim][state.idx] : D.views.all;
  }
  function choose(dim, idx) {
    state.dim = dim;
    state.idx = idx;
    state.page = 0;
    draw();
    save();
  }
  function save() {
    var h = ['sort=' + state.key, 'asc=' + (state.asc ? 1 : 0), 'page=' + state.page,
      'size=' + state.size];
    if (state.dim) h.unshift(state.dim + '=' + state.idx);
    history.replaceState(null, '', '#' + h.join('&'));
  }
  function load() {
    location.hash.slice(1).split('&').forEach(function (kv) {
      var p = kv.split('='), k = p[0], val = decodeURIComponent(p[1] || '');
      if (FIELD[k] && D.views[k] && D.views[k][val]) { state.dim = k; state.idx = +val; }
      else if (k === 'sort' && COLS.some(function (c) { return c[0] === val; })) state.key = val;
      else if (k === 'asc') state.asc = val === '1';
      else if (k === 'page') state.page = Math.max(0, parseInt(val, 10) || 0);
      else if (k === 'size' && /^(10|25|100)$/.test(val)) state.size = +val;
    });
  }

  function draw() {
    var v = view();
    DIMS.forEach(function (d) {
      selects[d[0]].value = state.dim === d[0] ? String(state.idx) : '';
    });
    showing.textContent = state.dim ? 'Showing ' + DIMS.filter(function (d) {
      return d[0] === state.dim; })[0][1].toLowerCase() + ' ' + D.keys[state.dim][state.idx] +
      ': every chart, tile and the table below (not the audit). One filter at a time: the figures are kept per value, not per combination.'
      : filterable ? 'Showing everything. Choose a value to see only its applications, and the jobs and candidates they concern.'
        : 'Showing everything: this report was made without its per-value figures, so it has no filters.';
    DIMS.forEach(function (d) { selects[d[0]].disabled = !(D.filters[d[0]] || []).length; });
    tiles(v);
    overTime(v);
    vbars('intervals', v.hours, sum(v.hours), {
      color: '#4e79a7', edges: ['00', '03', '06', '09', '12', '15', '18', '21', '24'], steps: [1, 2, 4, 8],
      axis: 'hour of the day (UTC)', tip: function (i) { return pad(3 * i) + ':00-' + pad(3 * i + 3) + ':00'; }
    });
    barsOf('families', D.keys.family, v.family, 10, 'applications', 'families');
    barsOf('categories', D.keys.category, v.category, 30, 'jobs', 'categories');
    var edges = [];
    for (var i = 0; i <= 20; i++) edges.push(i * 5);
    vbars('scores', v.scores, v.scored, { color: '#59a14f', edges: edges.map(String),
      steps: [1, 2, 4, 5, 10, 20],
      axis: 'compatibility score',
      tip: function (i) { return i * 5 + '-' + (i === 19 ? 100 : i * 5 + 4); } });
    donut(v);
    boxes(v);
    barsOf('work-modes', D.keys.work_mode, v.work_mode, 40, 'jobs', 'work modes');
    barsOf('employment-types', D.keys.employment, v.employment, 40, 'jobs', 'employment types');
    barsOf('education', D.keys.education, v.education, 40, 'candidates', 'education levels');
    moneyHist('salaries', v.offers, '#f28e2b', 'top of each job\u2019s range');
    moneyHist('asks', v.asks, '#59a14f', 'expected by each candidate');
    offerAsk(v);
    treemap(v);
    drawTable();
  }

  var stamp = document.getElementById('updated');
  if (D.refresh > 0) {
    /* Reload in place: the address keeps the filter, the table's sort and its page. */
    var made = Date.parse(D.generated_at);
    setTimeout(function () { location.reload(); }, D.refresh * 1000);
    setInterval(function () {
      stamp.textContent = 'updated ' + Math.max(0, Math.round((Date.now() - made) / 1000)) + ' s ago';
    }, 1000);
  }
  load();
  draw();
  var last = window.innerWidth;
  window.addEventListener('resize', function () {
    if (window.innerWidth !== last) { last = window.innerWidth; draw(); }
  });
})();
