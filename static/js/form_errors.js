/* A form's server-side errors, as a person fixes them.
   Like forum.js, an enhancement only: without it the errors stay until the form is sent again.

   data-errors-summary       focused on load, so screen readers hear what to fix
   .field--invalid           a field the server refused: its message (and its line in the summary,
                             [data-error-for=name]) goes away once the field is changed and passes the checks
                             the page knows (required, minlength or the counter's data-min, maxlength)
*/
(function () {
  "use strict";

  var doc = document;
  var _ = window.forumI18n._, ngettext = window.forumI18n.ngettext;  /* static/js/i18n.js (base.html loads it first) */

  function $all(selector, root) {
    return Array.prototype.slice.call((root || doc).querySelectorAll(selector));
  }

  function initErrorFocus() {
    var summary = doc.querySelector("[data-errors-summary]");
    if (!summary) { return; }
    function focusSummary() {
      summary.focus({ preventScroll: true });
      summary.scrollIntoView({ block: "center" });
    }
    focusSummary();
    /* Scrolling to a #fragment after load moves focus to the viewport: take it back once, afterwards. */
    if (window.location.hash) {
      window.addEventListener("load", function () { setTimeout(focusSummary, 0); }, { once: true });
    }
  }

  function controlValid(control, root) {
    if (control.type === "radio") { return !!root.querySelector('input[type="radio"][name="' + control.name + '"]:checked'); }
    if (control.type === "checkbox") { return control.checked || !control.required; }
    var value = (control.value || "").trim();
    if (control.required && !value) { return false; }
    var counter = control.id ? doc.querySelector('[data-counter-for="' + control.id + '"]') : null;
    var min = parseInt(control.getAttribute("minlength") || (counter && counter.getAttribute("data-min")) || "0", 10) || 0;
    var max = parseInt(control.getAttribute("maxlength") || (counter && counter.getAttribute("data-max")) || "0", 10) || 0;
    return !(min && value.length < min) && !(max && value.length > max);
  }

  function clearFieldError(field, names) {
    field.classList.remove("field--invalid");
    $all(".field__error", field).forEach(function (error) {
      var id = error.id;
      error.remove();
      [field].concat($all("[aria-describedby]", field)).forEach(function (el) {
        if (!el.hasAttribute("aria-describedby")) { return; }
        var rest = el.getAttribute("aria-describedby").split(/\s+/).filter(function (x) { return x && x !== id; });
        if (rest.length) { el.setAttribute("aria-describedby", rest.join(" ")); } else { el.removeAttribute("aria-describedby"); }
      });
    });
    $all('[aria-invalid="true"]', field).forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var summary = doc.querySelector("[data-errors-summary]:not([data-refusal])");
    if (!summary) { return; }
    names.forEach(function (name) {
      $all('[data-error-for="' + name + '"]', summary).forEach(function (item) { item.remove(); });
    });
    var left = $all("[data-error-for]", summary).length;
    var title = summary.querySelector(".alert__title");
    if (!left) {
      summary.remove();
    } else if (title) {
      title.textContent = ngettext("Please fix this to continue", "Please fix these %(num)d things to continue", left);
    }
  }

  function initErrorClearing() {
    $all(".field--invalid").forEach(function (field) {
      var controls = $all("input:not([type=hidden]), select, textarea", field);
      if (!controls.length) { return; }
      var refused = controls.map(function (c) { return c.type === "radio" || c.type === "checkbox" ? String(c.checked) : c.value; });
      var names = controls.map(function (c) { return c.name; }).filter(function (n, i, all) { return n && all.indexOf(n) === i; });
      function update() {
        var changed = controls.some(function (c, i) {
          return (c.type === "radio" || c.type === "checkbox" ? String(c.checked) : c.value) !== refused[i];
        });
        if (!changed || !controls.every(function (c) { return controlValid(c, field); })) { return; }
        clearFieldError(field, names);
        controls.forEach(function (c) { c.removeEventListener("input", update); c.removeEventListener("change", update); });
      }
      controls.forEach(function (c) { c.addEventListener("input", update); c.addEventListener("change", update); });
    });
  }

  function init() {
    initErrorClearing();
    initErrorFocus();
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
