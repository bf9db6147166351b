// Progressive enhancement for CPV category inputs: suggestions from the taxonomy autocomplete.
// Without JavaScript the input still accepts a typed CPV code.
(function () {
  "use strict";
  var endpoint = document.documentElement.getAttribute("data-category-autocomplete") || "/taxonomy/categories/autocomplete/";
  document.querySelectorAll("input.category-picker").forEach(function (input, index) {
    var list = document.createElement("datalist");
    list.id = "category-options-" + index;
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { return; }
      timer = setTimeout(function () {
        fetch(endpoint + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (items) {
            list.innerHTML = "";
            items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.code;
              option.label = item.code + " · " + item.name;
              option.textContent = item.name;
              list.appendChild(option);
            });
          })
          .catch(function () { list.innerHTML = ""; });
      }, 200);
    });
  });
})();
