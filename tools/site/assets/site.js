// rfcdoc site enhancements. The pages read fine without this script:
// it adds the "collapse all" button, the search box, clickable line numbers
// and the marking of a followed range on RFC pages.
(function () {
  'use strict';
  var root = document.documentElement.getAttribute('data-root') || '';

  // Collapse or expand every quote box at once.
  var toggles = document.querySelectorAll('.toggle-all');
  var boxes = document.querySelectorAll('details.cite');
  function sync() {
    var anyOpen = false;
    for (var i = 0; i < boxes.length; i++) if (boxes[i].open) anyOpen = true;
    for (var j = 0; j < toggles.length; j++) {
      toggles[j].textContent = anyOpen ? 'Collapse all quotes' : 'Expand all quotes';
      toggles[j].setAttribute('aria-expanded', String(anyOpen));
    }
    return anyOpen;
  }
  if (boxes.length) {
    for (var t = 0; t < toggles.length; t++) {
      toggles[t].hidden = false;
      toggles[t].addEventListener('click', function () {
        var open = !sync();
        for (var i = 0; i < boxes.length; i++) boxes[i].open = open;
        sync();
      });
    }
    for (var b = 0; b < boxes.length; b++) boxes[b].addEventListener('toggle', sync);
    sync();
  }

  // RFC pages: a line's number is its id, drawn by CSS (.l::before), so it
  // is no Tab stop; a click in the number's column links the line. Keyboard
  // readers reach lines by the page and section links instead.
  var rfc = document.querySelector('.rfc');
  var marked = [];
  if (rfc) {
    rfc.addEventListener('click', function (ev) {
      var l = ev.target;
      // Only a click on the line itself (its ::before number, not its text or links).
      if (l && l.classList && l.classList.contains('l') && l.id) window.location.hash = l.id;
    });
    window.addEventListener('hashchange', markRange);
    markRange();
  }

  // Following a link to a cited range (#P143L14-P143L19, or one line #P143L14)
  // marks every line of it, not just the first, and brings its start into view.
  function markRange() {
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove('in-range', 'range-first', 'range-last');
    marked = [];
    var m = /^#(P\d+L\d+)(?:-(P\d+L\d+))?$/.exec(decodeURIComponent(window.location.hash));
    if (!m) return;
    var first = document.getElementById(m[1]);
    var last = m[2] ? document.getElementById(m[2]) : first;
    if (!first || !last || !first.classList.contains('l')) return;
    var lines = rfc.querySelectorAll('.l');
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

  // Search over modules, symbols, documents and sections.
  var form = document.querySelector('form.search');
  if (!form) return;
  var input = form.querySelector('input');
  var list = form.querySelector('#search-results');
  form.hidden = false;
  var loading = false;
  function load(then) {
    if (window.RFCDOC_SEARCH) return then();
    if (loading) return;
    loading = true;
    var s = document.createElement('script');
    s.src = root + 'assets/search-index.js';
    s.onload = then;
    document.head.appendChild(s);
  }
  function score(e, words) {
    var label = e[1].toLowerCase();
    var hay = label + ' ' + e[2].toLowerCase();
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      var at = hay.indexOf(w);
      if (at < 0) return -1;
      if (label === w) total += 100;
      else if (label.indexOf(w) === 0) total += 50;
      else if (label.indexOf(w) >= 0) total += 20;
      else total += 5;
    }
    var kindBonus = { symbol: 8, module: 6, section: 4, doc: 5, test: 3, readme: 2 };
    return total + (kindBonus[e[0]] || 0) - label.length / 100;
  }
  function render() {
    var q = input.value.trim().toLowerCase();
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!q || !window.RFCDOC_SEARCH) return;
    var words = q.split(/\s+/);
    var hits = [];
    var all = window.RFCDOC_SEARCH;
    for (var i = 0; i < all.length; i++) {
      var s = score(all[i], words);
      if (s >= 0) hits.push([s, all[i]]);
    }
    hits.sort(function (a, b) { return b[0] - a[0]; });
    hits = hits.slice(0, 40);
    if (!hits.length) {
      var none = document.createElement('li');
      none.textContent = 'No match';
      none.className = 'none';
      list.appendChild(none);
      return;
    }
    for (var k = 0; k < hits.length; k++) {
      var e = hits[k][1];
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = root + e[3];
      var kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = e[0];
      a.appendChild(kind);
      a.appendChild(document.createTextNode(e[1]));
      if (e[2]) {
        var d = document.createElement('span');
        d.className = 'detail';
        d.textContent = e[2];
        a.appendChild(d);
      }
      li.appendChild(a);
      list.appendChild(li);
    }
  }
  input.addEventListener('focus', function () { load(render); });
  input.addEventListener('input', function () { load(render); });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var first = list.querySelector('a');
    if (first) window.location.href = first.href;
  });
  form.addEventListener('keydown', function (ev) {
    var links = Array.prototype.slice.call(list.querySelectorAll('a'));
    var at = links.indexOf(document.activeElement);
    if (ev.key === 'ArrowDown' && links.length) {
      ev.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (ev.key === 'ArrowUp' && links.length) {
      ev.preventDefault();
      if (at <= 0) input.focus(); else links[at - 1].focus();
    } else if (ev.key === 'Escape') {
      input.value = '';
      render();
      input.focus();
    }
  });
})();
