// rfcdoc site enhancements. The pages read fine without this script:
// it adds the "collapse all" button, clickable line numbers and the marking
// of a followed range on RFC pages (the search box is search.js).
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
})();
