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
  // The main menu (a <details>): always open on wide screens, where the stylesheet hides its toggle. Browsers that
  // know ::details-content show it there without help; for the others it is opened here. On a phone, Escape or a
  // click outside closes it.
  const menu = document.getElementById("site-menu");
  if (menu) {
    const wide = window.matchMedia("(min-width: 801px)");
    const styled = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    const follow = function () {
      if (!styled) {
        menu.open = wide.matches;
      } else if (wide.matches) {
        menu.open = false;
      }
    };
    follow();
    wide.addEventListener("change", follow);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !wide.matches && !menu.contains(event.target)) {
        menu.open = false;
      }
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
