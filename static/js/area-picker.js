/* The area picker: a commune-or-ward <select data-area-picker> (feedback/forms.py AreaSelect,
   the submit page; workflow/forms.py, the classify form) gets a box above it that narrows its
   options as one types. Without this file the plain select works on its own. Matching is the
   server's (routing/text.py fold): accents and case ignored, đ read as d, every word must
   appear. The chosen option and the empty one always stay. No inline script: the
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

  function setUp(select) {
    var options = Array.prototype.slice.call(select.options).map(function (option) {
      return { node: option, key: fold(option.text) };
    });
    var search = document.createElement("input");
    search.type = "search";
    search.id = select.id + "_find";
    search.autocomplete = "off";
    search.spellcheck = false;
    search.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = search.id;
    label.textContent = select.getAttribute("data-find-label") || "";
    var none = document.createElement("p");
    none.className = "field__help";
    none.setAttribute("aria-live", "polite");
    none.hidden = true;
    none.textContent = select.getAttribute("data-none-label") || "";
    var box = document.createElement("div");
    box.className = "area-picker__find";
    box.appendChild(label);
    box.appendChild(search);
    select.parentNode.insertBefore(box, select);
    select.parentNode.insertBefore(none, select.nextSibling);

    function apply() {
      var words = fold(search.value).split(" ").filter(Boolean);
      var chosen = select.value;
      var count = 0;
      // Options are taken out and put back rather than hidden: some browsers show hidden
      // options of a select all the same.
      while (select.options.length) {
        select.remove(0);
      }
      options.forEach(function (item) {
        var keep = item.node.value === "" || item.node.value === chosen ||
          words.every(function (word) { return item.key.indexOf(word) !== -1; });
        if (keep) {
          select.add(item.node);
          if (item.node.value !== "") {
            count += 1;
          }
        }
      });
      select.value = chosen;
      none.hidden = count > 0 || !words.length;
    }

    search.addEventListener("input", apply);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // Enter narrows the list; it does not send the form
      }
    });
  }

  document.querySelectorAll("select[data-area-picker]").forEach(setUp);
})();
