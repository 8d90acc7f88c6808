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
    var before = text.getBoundingClientRect().height;
    sample.open = true;
    var after = text.getBoundingClientRect().height;
    result.sampleExpands = before === 0 && after > 0;
  }
  result.funnelRows = document.querySelectorAll('#funnel tr[data-step]').length;
  var out = document.createElement('pre');
  out.id = 'selftest';
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
})();
