// rfcdoc requirement views (req/*.html). The page lists every requirement
// without this script; it adds the filters (missing; implemented but
// untested; excepted) and the "next missing requirement" key, n, which
// without it is a link to the first missing one.
(function () {
  'use strict';
  var view = document.querySelector('.reqview');
  if (!view) return;
  var rows = view.querySelectorAll('.rq');
  var sections = view.querySelectorAll('.rsec');
  var status = view.querySelector('.reqtools .shown');
  var filter = view.querySelector('.reqfilter');
  var next = view.querySelector('.nextmiss');
  var shown = 'all';

  function apply() {
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      var on = shown === 'all' || rows[i].classList.contains('s-' + shown);
      rows[i].hidden = !on;
      if (on) n++;
    }
    // A section with nothing left to show goes too, so the filtered list reads without gaps.
    for (var j = 0; j < sections.length; j++) {
      sections[j].hidden = shown !== 'all' && !sections[j].querySelector('.rq:not([hidden])');
    }
    var label = filter.querySelector('input:checked').parentNode.textContent.replace(/\s*\(\d+\)$/, '').trim();
    status.textContent = shown === 'all' ? 'Showing all ' + rows.length + ' requirements.' : 'Showing ' + n + ' of ' + rows.length + ' requirements: ' + label.toLowerCase() + '.';
  }

  if (filter) {
    filter.hidden = false;
    filter.addEventListener('change', function (ev) {
      if (ev.target.name !== 'show') return;
      shown = ev.target.value;
      apply();
    });
    var checked = filter.querySelector('input:checked');
    if (checked) shown = checked.value;
    apply();
  }

  // The next missing requirement after the one in focus (or after the last
  // one reached), wrapping round at the end; hidden rows are skipped.
  var last = -1;
  function stepToMissing() {
    var missing = [];
    for (var i = 0; i < rows.length; i++) if (rows[i].classList.contains('s-missing') && !rows[i].hidden) missing.push(rows[i]);
    if (!missing.length) {
      status.textContent = 'No missing requirement is shown.';
      return;
    }
    var from = document.activeElement && document.activeElement.classList && document.activeElement.classList.contains('rq') ? document.activeElement : null;
    var at = -1;
    if (from) {
      // The first missing row after the focused one, in document order.
      for (var k = 0; k < missing.length; k++) {
        if (from.compareDocumentPosition(missing[k]) & Node.DOCUMENT_POSITION_FOLLOWING) { at = k; break; }
      }
      if (at < 0) at = 0;
    } else {
      at = (last + 1) % missing.length;
    }
    last = at;
    var row = missing[at];
    // Focusable by script only: a row is no Tab stop.
    row.tabIndex = -1;
    row.focus();
    row.scrollIntoView({ block: 'center' });
    status.textContent = 'Missing requirement ' + (at + 1) + ' of ' + missing.length + ': ' + row.querySelector('.at').textContent + '.';
  }

  if (next) {
    var key = view.querySelector('.nkey');
    if (key) key.hidden = false;
    next.addEventListener('click', function (ev) {
      ev.preventDefault();
      stepToMissing();
    });
    document.addEventListener('keydown', function (ev) {
      if (ev.key !== 'n' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var t = ev.target;
      // Typing an n into the search box (or any field) is typing, not a jump.
      if (t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) || (t.tagName === 'INPUT' && !/^(radio|checkbox|button)$/.test(t.type)))) return;
      ev.preventDefault();
      stepToMissing();
    });
  }
})();
