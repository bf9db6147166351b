// Category picker: turns a text input of CPV codes (taxonomy.forms.CategoryPickerInput) into removable chips that
// show each category's name, with suggestions from the taxonomy autocomplete as you type words or a code.
//
// Progressive enhancement: without JavaScript the input accepts codes separated by commas, and the server checks
// them either way. The original input stays in the form as a hidden field holding the codes; a new text box takes
// over its id, so its <label> and the field's error message still belong to what the user types in. The widget
// follows the WAI-ARIA combobox pattern: arrows move through the suggestions, Enter chooses, Escape closes,
// Backspace in an empty box removes the last chip; every chip has its own remove button.
//
// A plain input.category-picker without data-picker (a search filter) only gets suggestions in a datalist.
(function () {
  "use strict";

  var DEFAULT_SOURCE = "/taxonomy/categories/autocomplete/";
  var counter = 0;

  function format(text, value) {
    return (text || "%s").replace("%s", value);
  }

  function splitCodes(value) {
    return value.split(/[,;\s]+/).filter(function (part) { return part.length > 0; });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function fetchSuggestions(source, query, signal) {
    var url = source + (source.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, signal: signal })
      .then(function (response) {
        if (!response.ok) { throw new Error("autocomplete answered " + response.status); }
        return response.json();
      });
  }

  function enhance(original) {
    counter += 1;
    var data = original.dataset;
    var multiple = data.picker !== "single";
    var source = data.source || DEFAULT_SOURCE;
    var text = {
      remove: data.textRemove, chosen: data.textChosen, added: data.textAdded, removed: data.textRemoved,
      results: data.textResults, none: data.textNone, failed: data.textFailed, unknown: data.textUnknown
    };
    var chosen = [];
    try { chosen = JSON.parse(data.chips || "[]"); } catch (error) { chosen = []; }
    if (!chosen.length && original.value.trim()) {
      chosen = splitCodes(original.value).map(function (code) { return { code: code, name: "" }; });
    }

    var id = original.id || "category-picker-" + counter;
    var listId = id + "-suggestions";
    var wrapper = element("div", "cpicker");
    var chips = element("ul", "cpicker-chips");
    chips.setAttribute("aria-label", text.chosen || "");
    var box = element("input", "cpicker-input");
    var list = element("ul", "cpicker-options");
    var status = element("div", "visually-hidden");

    box.type = "text";
    box.id = id;
    box.autocomplete = "off";
    box.spellcheck = false;
    box.placeholder = original.getAttribute("placeholder") || "";
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
    box.setAttribute("aria-controls", listId);
    ["aria-describedby", "aria-invalid", "required"].forEach(function (name) {
      if (original.hasAttribute(name)) { box.setAttribute(name, original.getAttribute(name)); }
    });
    list.id = listId;
    list.hidden = true;
    list.setAttribute("role", "listbox");
    if (original.labels && original.labels.length) {
      list.setAttribute("aria-label", original.labels[0].textContent.trim());
    }
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    // The original input keeps its name and carries the codes; it moves inside the widget, hidden.
    original.parentNode.insertBefore(wrapper, original);
    original.type = "hidden";
    original.id = id + "-codes";
    original.removeAttribute("placeholder");
    wrapper.appendChild(chips);
    wrapper.appendChild(box);
    wrapper.appendChild(list);
    wrapper.appendChild(status);
    wrapper.appendChild(original);

    var options = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var sequence = 0;

    function announce(message) {
      // Emptied first, so the same message twice is read twice.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }

    function label(item) {
      return item.name ? item.name + " (" + item.code + ")" : item.code;
    }

    function sync() {
      original.value = chosen.map(function (item) { return item.code; }).join(", ");
    }

    function renderChips() {
      chips.textContent = "";
      chips.hidden = chosen.length === 0;
      chosen.forEach(function (item, index) {
        var chip = element("li", "cpicker-chip" + (item.name ? "" : " unknown"));
        var name = element("span", "cpicker-name", item.name || item.code);
        chip.appendChild(name);
        if (item.name) {
          chip.appendChild(element("span", "cpicker-code", item.code));
        } else if (text.unknown) {
          chip.appendChild(element("span", "cpicker-code", text.unknown));
        }
        var remove = element("button", "cpicker-remove");
        remove.type = "button";
        remove.setAttribute("aria-label", format(text.remove, label(item)));
        remove.title = format(text.remove, label(item));
        remove.appendChild(element("span", null, "×")).setAttribute("aria-hidden", "true");
        remove.addEventListener("click", function () { removeAt(index, true); });
        remove.addEventListener("keydown", function (event) {
          if (event.key === "Backspace" || event.key === "Delete") {
            event.preventDefault();
            removeAt(index, true);
          }
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
      sync();
    }

    function removeAt(index, moveFocus) {
      var item = chosen[index];
      if (!item) { return; }
      chosen.splice(index, 1);
      renderChips();
      announce(format(text.removed, label(item)));
      if (moveFocus) {
        var buttons = chips.querySelectorAll(".cpicker-remove");
        if (buttons.length) { buttons[Math.min(index, buttons.length - 1)].focus(); } else { box.focus(); }
      }
    }

    function choose(item) {
      var known = chosen.some(function (existing) { return existing.code === item.code; });
      if (!known) {
        if (!multiple) { chosen = []; }
        chosen.push({ code: item.code, name: item.name });
        renderChips();
        announce(format(text.added, label(item)));
      }
      box.value = "";
      close();
      box.focus();
    }

    function setActive(index) {
      active = index;
      options.forEach(function (option, position) {
        option.node.setAttribute("aria-selected", position === index ? "true" : "false");
        option.node.classList.toggle("active", position === index);
      });
      if (index >= 0 && options[index]) {
        box.setAttribute("aria-activedescendant", options[index].node.id);
        options[index].node.scrollIntoView({ block: "nearest" });
      } else {
        box.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function open() {
      if (!options.length) { return; }
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
    }

    function show(items, query) {
      list.textContent = "";
      options = [];
      var taken = {};
      chosen.forEach(function (item) { taken[item.code] = true; });
      items.filter(function (item) { return !taken[item.code]; }).forEach(function (item, position) {
        var node = element("li", "cpicker-option");
        node.id = listId + "-" + position;
        node.setAttribute("role", "option");
        node.setAttribute("aria-selected", "false");
        node.appendChild(element("span", "cpicker-name", item.name));
        node.appendChild(element("span", "cpicker-code", item.code));
        // mousedown, not click: the box keeps the focus, so the list does not close first.
        node.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        list.appendChild(node);
        options.push({ item: item, node: node });
      });
      active = -1;
      if (options.length) {
        open();
        announce(format(text.results, String(options.length)));
      } else {
        close();
        announce(format(text.none, query));
      }
    }

    function search() {
      var query = box.value.trim();
      window.clearTimeout(timer);
      if (pending) { pending.abort(); pending = null; }
      if (query.length < 2) { options = []; list.textContent = ""; close(); return; }
      timer = window.setTimeout(function () {
        var mine = ++sequence;
        pending = typeof AbortController === "function" ? new AbortController() : null;
        fetchSuggestions(source, query, pending ? pending.signal : undefined)
          .then(function (items) { if (mine === sequence) { show(items, query); } })
          .catch(function (error) {
            if (error && error.name === "AbortError") { return; }
            if (mine === sequence) { options = []; list.textContent = ""; close(); announce(text.failed || ""); }
          });
      }, 200);
    }

    box.addEventListener("input", search);
    box.addEventListener("keydown", function (event) {
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (list.hidden) { open(); }
          if (options.length) { setActive(active + 1 >= options.length ? 0 : active + 1); }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (list.hidden) { open(); }
          if (options.length) { setActive(active <= 0 ? options.length - 1 : active - 1); }
          break;
        case "Home":
        case "End":
          if (!list.hidden && options.length) {
            event.preventDefault();
            setActive(event.key === "Home" ? 0 : options.length - 1);
          }
          break;
        case "Enter":
          // With the suggestions open, Enter chooses (the highlighted one, else the one whose code was typed,
          // else it highlights the first) and never sends the form half-filled.
          if (!list.hidden && options.length) {
            event.preventDefault();
            var typed = box.value.trim().split("-")[0];
            var exact = options.filter(function (option) { return option.item.code === typed; })[0];
            if (active >= 0 && options[active]) { choose(options[active].item); } else if (exact) { choose(exact.item); } else { setActive(0); }
          }
          break;
        case "Escape":
          if (!list.hidden) { event.preventDefault(); close(); } else if (box.value) { event.preventDefault(); box.value = ""; }
          break;
        case "Backspace":
          if (box.value === "" && chosen.length) { event.preventDefault(); removeAt(chosen.length - 1, false); }
          break;
        case "Tab":
          close();
          break;
      }
    });
    box.addEventListener("blur", function () { window.setTimeout(close, 100); });
    box.addEventListener("focus", function () { if (options.length && box.value.trim().length >= 2) { open(); } });

    // Whatever is still typed in the box when the form is sent goes with the chosen codes, so a code typed
    // without picking it is not lost; the server names it if it is not a known category.
    if (original.form) {
      original.form.addEventListener("submit", function () {
        var typed = box.value.trim();
        if (!typed) { return; }
        var codes = chosen.map(function (item) { return item.code; });
        original.value = (multiple ? codes.concat([typed]) : [typed]).join(", ");
      });
    }

    renderChips();
  }

  function suggestOnly(input, index) {
    var source = input.getAttribute("data-source") ||
      document.documentElement.getAttribute("data-category-autocomplete") || DEFAULT_SOURCE;
    var list = document.createElement("datalist");
    list.id = "category-options-" + index;
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) { return; }
      timer = window.setTimeout(function () {
        fetchSuggestions(source, query)
          .then(function (items) {
            list.textContent = "";
            items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.code;
              option.label = item.code + " · " + item.name;
              option.textContent = item.name;
              list.appendChild(option);
            });
          })
          .catch(function () { list.textContent = ""; });
      }, 200);
    });
  }

  document.querySelectorAll("input.category-picker").forEach(function (input, index) {
    if (input.hasAttribute("data-picker")) { enhance(input); } else { suggestOnly(input, index); }
  });
})();
