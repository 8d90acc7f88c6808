// The page reads without this script. It adds "expand all" buttons and, when
// opened as report.html#selftest, a self-check that the browser test reads
// back from the DOM: a sampled document expands, and no script error occurred.
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  function expandAll(button) {
    var section = button.closest('section');
    var open = button.getAttribute('data-open') !== 'true';
    section.querySelectorAll('details').forEach(function (d) { d.open = open; });
    button.setAttribute('data-open', String(open));
    button.textContent = open ? 'collapse all' : 'expand all';
  }
  document.querySelectorAll('button.expand-all').forEach(function (b) {
    b.addEventListener('click', function () { expandAll(b); });
  });
  if (location.hash !== '#selftest') return;
  var result = { sampleExpands: null, funnelRows: 0, errors: errors };
  var sample = document.querySelector('details.sample');
  if (sample) {
    var text = sample.querySelector('pre');
    // Shown: laid out with a height, and not hidden by a closed <details>.
    var shown = function (el) {
      var box = el.getBoundingClientRect();
      var visible = el.checkVisibility ? el.checkVisibility({ contentVisibilityAuto: true }) : true;
      return box.height > 0 && visible;
    };
    var before = shown(text);
    sample.querySelector('summary').click();
    var after = shown(text);
    result.sampleExpands = !before && after && sample.open;
    result.sampleText = text.textContent.length;
  }
  result.funnelRows = document.querySelectorAll('#funnel tr[data-step]').length;
  var out = document.createElement('pre');
  out.id = 'selftest';
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
})();
