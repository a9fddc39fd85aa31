/* The unit picker (templates/partials/unit_picker.html) filters its tick boxes as one types.
   Without this file the "Find" button reloads the page with the list narrowed on the server;
   with it, the same words narrow the list at once and the page is not reloaded. Matching is
   the server's (routing/text.py fold): accents and case ignored, đ read as d, every word must
   appear in the unit's name. Ticked boxes always stay in view. No inline script: the
   Content-Security-Policy forbids it. */
(function () {
  "use strict";

  function fold(text) {
    return text
      .toLowerCase()
      .replace(/đ/g, "d")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  }

  function setUp(picker) {
    var search = picker.querySelector("[data-unit-picker-search]");
    var shown = picker.querySelector("[data-unit-picker-shown]");
    var none = picker.querySelector("[data-unit-picker-none]");
    var boxes = Array.prototype.slice.call(picker.querySelectorAll("input[data-search]"));
    if (!search || !boxes.length) {
      return;
    }
    var finder = search.form; // the GET form of the "find unit" box
    var reset = picker.querySelector("[data-unit-picker-reset]");

    function apply() {
      var words = fold(search.value).split(" ").filter(Boolean);
      var count = 0;
      boxes.forEach(function (box) {
        var name = box.getAttribute("data-search");
        var match = box.checked || words.every(function (word) {
          return name.indexOf(word) !== -1;
        });
        var row = box.closest("li") || box.parentNode;
        row.hidden = !match;
        if (match) {
          count += 1;
        }
      });
      if (shown) {
        shown.textContent = String(count);
      }
      if (none) {
        none.hidden = count > 0;
      }
    }

    search.addEventListener("input", apply);
    if (finder) {
      // The list is already narrowed: Enter or the button must not reload the page.
      finder.addEventListener("submit", function (event) {
        event.preventDefault();
        apply();
      });
    }
    search.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && search.value) {
        event.preventDefault();
        search.value = "";
        apply();
      } else if (event.key === "ArrowDown") {
        // Down arrow moves to the first unit still shown.
        var first = boxes.filter(function (box) {
          return !(box.closest("li") || box.parentNode).hidden;
        })[0];
        if (first) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    if (reset && !search.value) {
      reset.hidden = true;
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-unit-picker]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
