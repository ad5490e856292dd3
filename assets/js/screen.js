// The venue screen: shows the edition's needs one after another and refreshes the day's
// figures, without reloading the page and without anyone touching it.
(function () {
  "use strict";
  var needs = Array.prototype.slice.call(document.querySelectorAll(".screen-need"));
  var current = 0;
  var SHOW_MS = 12000;
  var FIGURES_MS = 30000;
  if (needs.length > 1) {
    setInterval(function () {
      needs[current].classList.remove("current");
      current = (current + 1) % needs.length;
      needs[current].classList.add("current");
    }, SHOW_MS);
  }
  var url = document.body.getAttribute("data-figures");
  var digits = document.documentElement.lang === "fa" ? "۰۱۲۳۴۵۶۷۸۹" : null;
  function show(n) {
    var s = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, digits ? "٬" : ",");
    return digits ? s.replace(/[0-9]/g, function (d) { return digits[+d]; }) : s;
  }
  function refresh() {
    if (!url || !window.fetch) { return; }
    fetch(url, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (f) {
        if (!f) { return; }
        ["interests", "introductions", "localized"].forEach(function (k) {
          var el = document.querySelector('[data-figure="' + k + '"]');
          if (el && typeof f[k] === "number") { el.textContent = show(f[k]); }
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, FIGURES_MS);
})();
