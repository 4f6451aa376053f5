// rfcdoc site enhancements. The pages read fine without this script:
// it adds the "collapse all" button (the RFC pages' script is rfc.js, the
// search box's search.js).
(function () {
  'use strict';

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
})();
