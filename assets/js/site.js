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

  // Files over the limit are named before anything is sent, so nothing typed is lost (the
  // server's check stays the guarantee, and keeps the typed fields too).
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var max = Number(input.getAttribute("data-max-bytes"));
    var note = document.getElementById(input.id + "-size");
    var mb = function (b) { return (b / 1048576).toFixed(1); };
    input.addEventListener("change", function () {
      var over = Array.prototype.filter.call(input.files || [], function (f) { return f.size > max; });
      var text = over.map(function (f) {
        return input.getAttribute("data-too-large")
          .replace("%name%", f.name).replace("%size%", mb(f.size)).replace("%limit%", mb(max));
      }).join(" ");
      input.setCustomValidity(text);
      if (note) { note.textContent = text; note.hidden = !text; }
    });
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
