/* Run inside the report page after its own script (check-html.sh adds it, with its hash in the
 * page's policy): measures every label of every chart, and reads every chart's total before
 * and after choosing a job family in the page's filter. Writes the findings as JSON into a pre
 * element with the id jm-test, for --dump-dom, and to the framing page. The family to choose
 * is in the address: #jmtest=NAME. */
(function () {
  'use strict';
  var out = { width: window.innerWidth, problems: [], all: {}, filtered: {}, tiles: {} };
  function totals(into) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-chart]'), function (f) {
      into[f.getAttribute('data-chart')] = Number(f.getAttribute('data-total'));
    });
  }
  function lines(el) {
    var r = document.createRange();
    r.selectNodeContents(el);
    var tops = {};
    Array.prototype.forEach.call(r.getClientRects(), function (b) {
      if (b.width > 0) tops[Math.round(b.top)] = 1;
    });
    return Object.keys(tops).length;
  }
  function layout(when) {
    var p = out.problems, W = window.innerWidth;
    if (document.documentElement.scrollWidth > W + 1)
      p.push(when + ': the page is ' + document.documentElement.scrollWidth + ' px wide in a ' +
        W + ' px window');
    Array.prototype.forEach.call(document.querySelectorAll('figure[data-chart]'), function (f) {
      var name = f.getAttribute('data-chart'), fr = f.getBoundingClientRect();
      if (fr.left < -1 || fr.right > W + 1) p.push(when + ': chart ' + name + ' is cut off');
      Array.prototype.forEach.call(f.querySelectorAll('svg'), function (svg) {
        var sr = svg.getBoundingClientRect(), boxes = [];
        if (sr.right > fr.right + 1) p.push(when + ': ' + name + ' is wider than its card');
        Array.prototype.forEach.call(svg.querySelectorAll('text'), function (t) {
          var r = t.getBoundingClientRect(), s = t.textContent;
          if (!s || r.width === 0) return;
          if (r.left < sr.left - 0.5 || r.right > sr.right + 0.5 || r.top < sr.top - 0.5 ||
            r.bottom > sr.bottom + 0.5)
            p.push(when + ': ' + name + ': label "' + s + '" is clipped');
          boxes.push({ r: r, s: s });
        });
        for (var i = 0; i < boxes.length; i++)
          for (var j = i + 1; j < boxes.length; j++) {
            var a = boxes[i].r, b = boxes[j].r;
            var ix = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            var iy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (ix > 0.5 && iy > 0.5)
              p.push(when + ': ' + name + ': labels "' + boxes[i].s + '" and "' + boxes[j].s +
                '" overlap');
          }
      });
    });
    /* Times, table headings (with their sort arrows) and tile figures stay on one line. */
    Array.prototype.forEach.call(document.querySelectorAll('#recent td.nowrap, #recent th, .tvalue'),
      function (c) {
        if (c.textContent && lines(c) > 1) p.push(when + ': "' + c.textContent + '" wraps');
      });
  }
  var tiles = function (into) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-tile]'), function (t) {
      into[t.getAttribute('data-tile')] = t.querySelector('.tvalue').textContent;
    });
  };
  try {
    layout('unfiltered');
    totals(out.all);
    out.tiles_all = {};
    tiles(out.tiles_all);
    var want = decodeURIComponent((location.hash.match(/jmtest=([^&]*)/) || [])[1] || '');
    var sel = document.querySelector('select[data-dim="family"]');
    var opt = Array.prototype.filter.call(sel.options, function (o) { return o.textContent === want; })[0];
    if (!opt) {
      out.problems.push('the family filter has no "' + want + '"');
    } else {
      sel.value = opt.value;
      sel.dispatchEvent(new Event('change'));
      layout('family ' + want);
      totals(out.filtered);
      tiles(out.tiles);
    }
  } catch (e) {
    out.problems.push('measuring failed: ' + e);
  }
  var pre = document.createElement('pre');
  pre.id = 'jm-test';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
  /* In a frame of the width under test (Chromium's window is at least 500 px wide): tell the
   * page around it, which --dump-dom shows. */
  if (window.parent !== window) window.parent.postMessage(pre.textContent, '*');
})();
