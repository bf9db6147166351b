// Pages that stay short: the verification queue's "tick every row of this page" and the agenda grid's print
// button. Without script each row is ticked by hand and the browser's own print is used; both controls stay hidden.
(function () {
  "use strict";
  const all = document.getElementById("select-page");
  if (all) {
    const rows = Array.from(document.querySelectorAll("#queue input[name=organisation]"));
    all.hidden = false;
    all.addEventListener("change", function () {
      rows.forEach(function (box) {
        box.checked = all.checked;
      });
    });
    rows.forEach(function (box) {
      box.addEventListener("change", function () {
        all.checked = rows.every(function (row) {
          return row.checked;
        });
      });
    });
  }
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
