// Behaviour every page shares. No template carries inline script or style: the Content-Security-Policy forbids both.
(function () {
  "use strict";
  // The language menu switches as soon as a language is chosen (the form's button is for browsers without script).
  const language = document.getElementById("language-select");
  if (language) {
    language.addEventListener("change", function () {
      language.form.submit();
    });
  }
  // Score and readiness bars: the template gives each fill its width as data-width (a percentage); setting it
  // through the CSSOM is allowed where a style="" attribute is not.
  document.querySelectorAll("[data-width]").forEach(function (fill) {
    const width = parseFloat(fill.dataset.width);
    if (!Number.isNaN(width)) {
      fill.style.width = Math.max(0, Math.min(100, width)) + "%";
    }
  });
})();
