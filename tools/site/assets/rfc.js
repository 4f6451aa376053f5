// rfcdoc site, the pages of cited documents (rfc/*.html). The page reads
// fine without this script: it makes line numbers clickable, marks every
// line of a followed range, marks in the table of contents the section the
// reader is in (and folds that table on a narrow screen), and gives key
// words and back-links the titles their classes imply.
(function () {
  'use strict';
  var rfc = document.querySelector('.rfc');
  if (!rfc) return;
  var LINE = ':is(.pg, .req) > [id]';
  function isLine(el) {
    var p = el && el.id && el.parentElement;
    return !!p && (p.classList.contains('pg') || p.classList.contains('req'));
  }

  // A line's number is its id, drawn by CSS in its left padding, so it is
  // no Tab stop; a click there links the line. Keyboard readers reach lines
  // by the page, section and contents links instead.
  rfc.addEventListener('click', function (ev) {
    var l = ev.target;
    if (isLine(l) && ev.offsetX < parseFloat(getComputedStyle(l).paddingLeft)) window.location.hash = l.id;
  });

  // Following a link to a cited range (#P143L14-P143L19, or one line #P143L14)
  // marks every line of it, not just the first, and brings its start into view.
  var marked = [];
  function markRange() {
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove('in-range', 'range-first', 'range-last');
    marked = [];
    var m = /^#(P\d+L\d+)(?:-(P\d+L\d+))?$/.exec(decodeURIComponent(window.location.hash));
    if (!m) return;
    var first = document.getElementById(m[1]);
    var last = m[2] ? document.getElementById(m[2]) : first;
    if (!isLine(first) || !isLine(last)) return;
    var lines = rfc.querySelectorAll(LINE);
    var on = false;
    for (var j = 0; j < lines.length; j++) {
      if (lines[j] === first) on = true;
      if (on) marked.push(lines[j]);
      if (lines[j] === last) break;
    }
    // A range whose end comes before its start (a hand-made URL) marks nothing.
    if (!on || marked[marked.length - 1] !== last) { marked = []; return; }
    for (var k = 0; k < marked.length; k++) marked[k].classList.add('in-range');
    first.classList.add('range-first');
    last.classList.add('range-last');
    if (m[2]) first.scrollIntoView({ block: 'start' });
  }
  window.addEventListener('hashchange', markRange);
  markRange();

  // Titles the page leaves out (they were the same words on thousands of
  // elements): a key word's status, from its requirement's run of lines; a
  // back-link's file and line, from its class and address.
  var STATUS = { tested: 'implemented and tested', implemented: 'implemented', exception: 'knowingly not done', todo: 'to do', missing: 'not cited' };
  var CITED = { ci: 'implemented by', ct: 'tested by', cx: 'knowingly not done in', cd: 'to do in' };
  rfc.addEventListener('mouseover', function (ev) {
    var t = ev.target;
    if (!t.closest || t.title) return;
    if (t.tagName === 'MARK') {
      var run = t.closest('.req');
      var s = run && /\bs-(\w+)/.exec(run.className);
      if (s) t.title = t.textContent + ': ' + STATUS[s[1]];
      return;
    }
    var a = t.closest('.notes a');
    var kind = a && !a.title && /\b(c[itxd])\b/.exec(a.className);
    if (kind) a.title = CITED[kind[1]] + ' ' + a.getAttribute('href').replace(/^(\.\.\/)+/, '').replace(/\.html#L(\d+)$/, ' line $1');
  });

  // The table of contents: open beside the text on a wide screen, folded
  // above it on a narrow one (so it never lies over the text); the section
  // in view is marked aria-current="location".
  var nav = document.querySelector('nav.contents');
  if (!nav) return;
  var box = nav.querySelector('details');
  var wide = window.matchMedia('(min-width: 1280px)');
  function fit() { box.open = wide.matches; }
  if (wide.addEventListener) wide.addEventListener('change', fit);
  fit();
  var anchors = Array.prototype.slice.call(rfc.querySelectorAll('span[id^="section-"]'));
  var links = {};
  var all = nav.querySelectorAll('a[href^="#section-"]');
  for (var i = 0; i < all.length; i++) links[all[i].getAttribute('href').slice(1)] = all[i];
  var current = null;
  var pending = false;
  function here() {
    pending = false;
    // The last section whose heading is above a quarter down the window:
    // where a followed link puts its target (scroll-margin-top in rfc.css).
    var line = window.innerHeight / 4 + 4;
    var lo = 0, hi = anchors.length - 1, at = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (anchors[mid].getBoundingClientRect().top <= line) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    var link = at >= 0 ? links[anchors[at].id] : null;
    if (link === current) return;
    if (current) current.removeAttribute('aria-current');
    current = link;
    if (!link) return;
    link.setAttribute('aria-current', 'location');
    // Keep it in sight in the sidebar's own scroll (never scrolling the page).
    if (wide.matches) {
      var l = link.getBoundingClientRect(), b = nav.getBoundingClientRect();
      if (l.top < b.top || l.bottom > b.bottom) nav.scrollTop += l.top - b.top - b.height / 3;
    }
  }
  window.addEventListener('scroll', function () {
    if (!pending) { pending = true; window.requestAnimationFrame(here); }
  }, { passive: true });
  window.addEventListener('hashchange', here);
  here();
})();
