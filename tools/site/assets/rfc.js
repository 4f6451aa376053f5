// rfcdoc site, the pages of cited documents (rfc/*.html). The page reads
// fine without this script: it gives a line its id when one is wanted
// and makes line numbers clickable, marks every line of a followed range, opens a line's
// other links in place of "+N more", marks in the table of contents the
// section the reader is in (and folds that table on a narrow screen), and
// gives key words and back-links the titles their classes imply.
(function () {
  'use strict';
  var rfc = document.querySelector('.rfc');
  if (!rfc) return;
  // A line is an item of its page's list, or of a requirement's list inside it (li.req).
  var LINE = '.pg li:not(.req)';
  function isLine(el) {
    return !!el && el.tagName === 'LI' && !el.classList.contains('req') && !!el.parentElement && !!el.parentElement.closest('.pg');
  }

  // The page writes the ids of the lines the site links to; any other line
  // gets its own here when it is wanted (a hand-made link to it, a click on
  // its number), from its place: P<page>L<n>, as CSS numbers it. Not all at
  // once: 11,000 ids on RFC 3261 cost a tenth of a second before the page
  // could be read.
  var ON_PAGE = 'li:not(.req)';
  function lineAt(id) {
    var el = document.getElementById(id);
    if (el) return isLine(el) ? el : null;
    var m = /^P(\d+)L(\d+)$/.exec(id);
    var page = m && document.getElementById('page-' + m[1]);
    var l = page && page.classList.contains('pg') ? page.querySelectorAll(ON_PAGE)[Number(m[2]) - 1] : null;
    if (!l) return null;
    l.id = id;
    return l;
  }
  function idOf(l) {
    if (l.id) return l.id;
    var page = l.closest('.pg');
    l.id = 'P' + page.id.slice('page-'.length) + 'L' + (Array.prototype.indexOf.call(page.querySelectorAll(ON_PAGE), l) + 1);
    return l.id;
  }

  // A line's number is drawn by CSS in its left padding, so it is no Tab
  // stop; a click there links the line. Keyboard readers reach lines by
  // the page, section and contents links instead.
  rfc.addEventListener('click', function (ev) {
    var l = ev.target;
    if (isLine(l) && ev.offsetX < parseFloat(getComputedStyle(l).paddingLeft)) window.location.hash = idOf(l);
  });

  // Following a link to a cited range (#P143L14-P143L19, or one line #P143L14)
  // marks every line of it, not just the first, and brings its start into view.
  var marked = [];
  function markRange() {
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove('in-range', 'range-first', 'range-last');
    marked = [];
    var m = /^#(P\d+L\d+)(?:-(P\d+L\d+))?$/.exec(decodeURIComponent(window.location.hash));
    if (!m) return;
    // A line whose id the page did not write was not found by the browser: it is brought into view here.
    var landed = !!document.getElementById(m[1]);
    var first = lineAt(m[1]);
    var last = m[2] ? lineAt(m[2]) : first;
    if (!first || !last) return;
    var all = rfc.querySelectorAll(LINE);
    var on = false;
    for (var j = 0; j < all.length; j++) {
      if (all[j] === first) on = true;
      if (on) marked.push(all[j]);
      if (all[j] === last) break;
    }
    // A range whose end comes before its start (a hand-made URL) marks nothing.
    if (!on || marked[marked.length - 1] !== last) { marked = []; return; }
    // Each line of it named (a reader may link any of them from here).
    for (var k = 0; k < marked.length; k++) {
      idOf(marked[k]);
      marked[k].classList.add('in-range');
    }
    first.classList.add('range-first');
    last.classList.add('range-last');
    if (m[2] || !landed) first.scrollIntoView({ block: 'start' });
  }
  window.addEventListener('hashchange', markRange);
  markRange();

  // "+N more": the line's other links, from the citations script beside the
  // citations page its link goes to (cites/<id>.js), opened in place below
  // the count; again, or Escape, closes them. A script, not a fetch, since
  // file:// allows no fetch; if it cannot load, the link is followed.
  var citations = {};
  function loadCitations(a, done) {
    var src = a.getAttribute('href').replace(/\.html(#.*)?$/, '.js');
    var id = src.replace(/^.*\//, '').replace(/\.js$/, '');
    var known = window.rfcdocCitations && window.rfcdocCitations[id];
    if (known) { done(known); return; }
    if (citations[src]) { citations[src].push(done); return; }
    citations[src] = [done];
    var s = document.createElement('script');
    s.src = src;
    s.onload = s.onerror = function () {
      var map = (window.rfcdocCitations && window.rfcdocCitations[id]) || null;
      var waiting = citations[src];
      citations[src] = null;
      for (var w = 0; w < waiting.length; w++) waiting[w](map);
    };
    document.head.appendChild(s);
  }
  var more = rfc.querySelectorAll('.notes a.more');
  for (var q = 0; q < more.length; q++) more[q].setAttribute('aria-expanded', 'false');
  function close(a) {
    var list = a.nextElementSibling;
    if (list && list.classList.contains('morelist')) list.remove();
    a.setAttribute('aria-expanded', 'false');
  }
  rfc.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('.notes a.more');
    if (!a) return;
    ev.preventDefault();
    if (a.getAttribute('aria-expanded') === 'true') { close(a); return; }
    loadCitations(a, function (map) {
      var line = a.closest('li');
      var html = map && line && map[line.id];
      if (!html) { window.location.href = a.href; return; }
      var list = document.createElement('span');
      list.className = 'morelist';
      list.innerHTML = html;
      a.after(list);
      a.setAttribute('aria-expanded', 'true');
    });
  });
  rfc.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Escape') return;
    var notes = ev.target.closest && ev.target.closest('.notes');
    var a = notes && notes.querySelector('a.more[aria-expanded="true"]');
    if (!a) return;
    close(a);
    a.focus();
  });

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
