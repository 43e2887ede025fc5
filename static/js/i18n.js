/* The scripts' texts in the page's language.
   _("English text", {name: value}) and ngettext(singular, plural, n) mark what the scripts show; `make
   translations` extracts them from static/js, and base.html carries this page's translations as JSON
   (forum/js_strings.py: only the ones that differ from the English). Every script reads them through
   window.forumI18n; this file loads first. */
(function () {
  "use strict";

  var doc = document;
  var catalogue = null;

  function translations() {
    if (catalogue === null) {
      var element = doc.getElementById("i18n-strings");
      try { catalogue = element ? JSON.parse(element.textContent) : {}; } catch (error) { catalogue = {}; }
    }
    return catalogue;
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)[sd]/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function _(msgid, values) {
    var found = translations()[msgid];
    return fill(typeof found === "string" ? found : msgid, values);
  }

  /* Two forms (one, other), as in the shipped languages; a language with more would need its plural rule here. */
  function ngettext(singular, plural, n, values) {
    var found = translations()[singular];
    var forms = Array.isArray(found) ? found : [singular, plural];
    var all = { num: n };
    for (var key in values || {}) {
      if (Object.prototype.hasOwnProperty.call(values, key)) { all[key] = values[key]; }
    }
    return fill(n === 1 ? forms[0] : forms[1], all);
  }

  window.forumI18n = { _: _, ngettext: ngettext };
})();
