// rfcdoc site search: the box in every page's banner, as an ARIA 1.2
// combobox over a grouped listbox. The engine (MiniSearch), the ranking
// (search-core.js) and the index (search-index.js) load on the box's first
// focus; `/` focuses it from anywhere but another field. Without this script
// the form stays hidden: every page's own links reach everything.
(function () {
  'use strict';
  var form = document.querySelector('form.search');
  if (!form) return;
  var root = document.documentElement.getAttribute('data-root') || '';
  var input = document.getElementById('search-q');
  var pop = document.getElementById('search-pop');
  var list = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  form.hidden = false;

  // How many options a group shows before its "Show all N": a glance at each kind.
  var FIRST = 5;
  var KIND_NAMES = { symbol: 'symbol', module: 'module', section: 'section', doc: 'document', requirement: 'requirement', test: 'test', readme: 'README', proposal: 'proposal' };

  var engine = null;
  var loading = null;
  var waiting = [];
  function load(then) {
    if (engine) return then();
    waiting.push(then);
    if (loading) return;
    loading = ['minisearch.js', 'search-core.js', 'search-index.js'];
    var left = loading.length;
    setStatus('Loading the search index…');
    loading.forEach(function (f) {
      var s = document.createElement('script');
      s.src = root + 'assets/' + f;
      s.onload = function () {
        if (--left) return;
        engine = window.RfcdocSearch.create(window.MiniSearch, window.RFCDOC_SEARCH);
        var w = waiting;
        waiting = [];
        w.forEach(function (f) { f(); });
      };
      s.onerror = function () { setStatus('The search index could not be loaded (assets/' + f + ').'); };
      document.head.appendChild(s);
    });
  }

  var result = null;
  var expanded = {};
  var options = [];
  var active = -1;

  function setStatus(text) {
    status.textContent = text;
    open(true);
  }
  function open(on) {
    pop.hidden = !on;
    input.setAttribute('aria-expanded', String(on && options.length > 0));
  }

  function run() {
    var q = input.value.trim();
    expanded = {};
    if (!q) {
      result = null;
      draw();
      open(false);
      return;
    }
    result = window.RfcdocSearch.query(engine, q);
    draw();
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // Every group, each with its first hits (all of them once expanded) and a "Show all N" option for the rest.
  function draw(keep) {
    while (list.firstChild) list.removeChild(list.firstChild);
    options = [];
    if (!result) { active = -1; return; }
    result.groups.forEach(function (g, gi) {
      var group = el('ul');
      group.setAttribute('role', 'group');
      var head = el('li', 'group', g.name + ' (' + g.hits.length + ')');
      head.setAttribute('role', 'presentation');
      head.id = 'search-g' + gi;
      group.setAttribute('aria-labelledby', head.id);
      group.appendChild(head);
      var shown = expanded[g.kind] ? g.hits.length : Math.min(FIRST, g.hits.length);
      for (var i = 0; i < shown; i++) {
        var e = g.hits[i].e;
        var o = option(group);
        o.href = root + e[3];
        o.li.appendChild(el('span', 'label', e[1]));
        if (e[2]) o.li.appendChild(el('span', 'detail', e[2]));
      }
      if (shown < g.hits.length) {
        var more = option(group);
        more.more = g.kind;
        more.li.className = 'more';
        more.li.textContent = 'Show all ' + g.hits.length + ' ' + (KIND_NAMES[g.kind] || g.kind) + (g.hits.length === 1 ? '' : 's');
      }
      list.appendChild(group);
    });
    var n = result.total;
    status.textContent = n === 0 ? 'No match' : (result.fuzzy ? 'No exact match; ' + n + ' close spelling' + (n === 1 ? '' : 's') : n + ' result' + (n === 1 ? '' : 's')) + ' in ' + result.groups.length + ' group' + (result.groups.length === 1 ? '' : 's');
    activate(keep === undefined ? -1 : Math.min(keep, options.length - 1));
    open(true);
  }

  function option(group) {
    var li = el('li');
    li.setAttribute('role', 'option');
    li.id = 'search-o' + options.length;
    li.setAttribute('aria-selected', 'false');
    var o = { li: li, href: null, more: null };
    options.push(o);
    group.appendChild(li);
    return o;
  }

  function activate(i) {
    if (active >= 0 && options[active]) {
      options[active].li.setAttribute('aria-selected', 'false');
      options[active].li.classList.remove('active');
    }
    active = i;
    if (i < 0 || !options[i]) {
      active = -1;
      input.removeAttribute('aria-activedescendant');
      return;
    }
    var li = options[i].li;
    li.setAttribute('aria-selected', 'true');
    li.classList.add('active');
    input.setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView({ block: 'nearest' });
  }

  // Enter on a hit follows it; on "Show all N" reveals the group's rest and stays on its first new option.
  function choose(i) {
    var o = options[i];
    if (!o) return;
    if (o.more) {
      expanded[o.more] = true;
      draw(i);
      return;
    }
    window.location.href = o.href;
  }

  input.addEventListener('focus', function () {
    load(function () {
      if (input.value.trim()) run();
      else {
        status.textContent = '';
        open(false);
      }
    });
  });
  input.addEventListener('input', function () { load(run); });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown') {
      ev.preventDefault();
      if (pop.hidden && result) open(true);
      else if (options.length) activate(Math.min(active + 1, options.length - 1));
    } else if (ev.key === 'ArrowUp') {
      ev.preventDefault();
      if (options.length) activate(active - 1);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      // Enter with no option chosen goes to the best hit.
      if (!pop.hidden && options.length) choose(active >= 0 ? active : 0);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      if (!pop.hidden) {
        activate(-1);
        open(false);
      } else {
        input.value = '';
        run();
      }
    }
  });
  form.addEventListener('submit', function (ev) { ev.preventDefault(); });
  // A click on an option chooses it; pressing does not take the focus from the box.
  list.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
  list.addEventListener('click', function (ev) {
    var li = ev.target.closest('[role="option"]');
    if (li) choose(+li.id.slice('search-o'.length));
  });
  form.addEventListener('focusout', function (ev) {
    if (!form.contains(ev.relatedTarget)) open(false);
  });

  // `/` anywhere but in a field (or with a modifier) goes to the search box.
  document.addEventListener('keydown', function (ev) {
    if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    ev.preventDefault();
    input.focus();
    input.select();
  });
})();
