// Progressive enhancements only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // On a phone the filters start closed, one tap away; without this file they are simply open.
  if (window.matchMedia && window.matchMedia("(max-width: 800px)").matches) {
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (d) { d.open = false; });
  }

  // A form sent back with errors: the first wrong field takes the focus; the alert above it
  // says that there are errors, and each field's own message is tied to it.
  var firstInvalid = document.querySelector("form [aria-invalid='true']");
  if (firstInvalid && document.querySelector(".form-error[role=alert]")) { firstInvalid.focus(); }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Suggest-as-you-type: fill the shared datalist with titles matching what is typed.
  var list = document.getElementById("search-suggestions");
  if (!list || !window.fetch) { return; }
  var timer = null;
  var lastQuery = "";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    input.addEventListener("input", function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (q.length < 2 || q === lastQuery) { return; }
      timer = setTimeout(function () {
        lastQuery = q;
        fetch("/api/v1/suggest?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
          .then(function (res) { return res.ok ? res.json() : { suggestions: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.suggestions.forEach(function (s) {
              var option = document.createElement("option");
              option.value = s.title;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  });
});
