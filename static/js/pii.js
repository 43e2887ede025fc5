/* Personal-data hint while typing: a non-blocking notice under the text box.
   The server check (forum/pii_guard.py) is the authority; this mirrors its rules so authors
   can fix things before they submit. Hooks:
     form[data-pii-check]            forms whose textarea[name=body] and input[name=title] are checked
     [data-pii-hint-for="id"]        where the notice goes (hidden while nothing is found)
     meta[name="pii-patterns"]       the company's PII_PATTERNS as JSON [{name, pattern}]
     [data-pii-warning]              the server's warning: focused on load so it is read first. While it is on the
                                     page it is the one place the warning shows (the as-you-type hint stays quiet),
                                     and its "Post anyway" / "Send privately" forms send what the fields hold now,
                                     so an edit made after the warning is never lost.
*/
(function () {
  "use strict";
  var _ = window.forumI18n._;  /* the page's translations: static/js/i18n.js (base.html loads it first) */

  var BEFORE = "(?:^|[^\\w$€£¥.,/:#+-])";
  var AFTER = "(?![\\w])(?![.,/:-]?\\d)";
  var EMAIL = /(^|[^\w.%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24})\b/g;
  var PHONES = [
    new RegExp(BEFORE + "(\\+\\d{1,3}(?:[ .-]?\\(\\d{1,4}\\))?(?:[ .-]?\\d{1,5}){1,6})" + AFTER, "g"),
    new RegExp(BEFORE + "((?:1[ .-])?(?:\\(\\d{3}\\) ?|\\d{3}[ .-])\\d{3}[ .-]\\d{4})" + AFTER, "g"),
    new RegExp(BEFORE + "(0\\d{1,4}(?:[ -]\\d{3,8}){1,2})" + AFTER, "g")
  ];
  var CARD = /(^|[^\w.,\/-])(\d(?:[ -]?\d){12,18})(?![\w])(?![.,\/-]\d)/g;
  var GROUPINGS = ["4,4,4,4", "4,4,4,4,3", "4,4,4,4,2", "4,4,4,1", "4,6,5", "4,6,4", "4,4,5"];

  function luhn(digits) {
    if (!/^\d{13,19}$/.test(digits) || /^0+$/.test(digits)) { return false; }
    var total = 0;
    for (var i = 0; i < digits.length; i++) {
      var value = +digits.charAt(digits.length - 1 - i);
      if (i % 2 === 1) { value = value > 4 ? value * 2 - 9 : value * 2; }
      total += value;
    }
    return total % 10 === 0;
  }

  function isCard(text) {
    var digits = text.replace(/[ -]/g, "");
    if (digits.length === 13 && /^97[89]/.test(digits)) { return false; }
    var groups = text.split(/[ -]/).map(function (g) { return g.length; });
    if (groups.length > 1 && GROUPINGS.indexOf(groups.join(",")) === -1) { return false; }
    return luhn(digits);
  }

  function phoneOk(text) {
    var digits = text.replace(/\D/g, "");
    if (text.charAt(0) === "+") { return digits.length >= 8 && digits.length <= 15; }
    if (text.charAt(0) === "0") { return digits.length >= 10 && digits.length <= 11; }
    return digits.length === 10 || digits.length === 11;
  }

  function companyPatterns() {
    var meta = document.querySelector('meta[name="pii-patterns"]');
    var list = [];
    try { list = JSON.parse(meta ? meta.getAttribute("content") : "[]") || []; } catch (e) { list = []; }
    return list.map(function (item) {
      try { return { name: item.name, re: new RegExp(item.pattern, "g") }; } catch (e) { return null; }
    }).filter(Boolean);
  }

  function each(re, text, fn) {
    re.lastIndex = 0;
    var match;
    while ((match = re.exec(text)) !== null) {
      fn(match);
      if (match[0] === "") { re.lastIndex++; }
    }
  }

  function find(text, custom) {
    var found = [];
    text = text.slice(0, 60000);
    each(EMAIL, text, function (m) { found.push(_("an email address")); });
    each(CARD, text, function (m) { if (isCard(m[2])) { found.push(_("a payment card number")); } });
    PHONES.forEach(function (re) {
      each(re, text, function (m) { if (phoneOk(m[1]) && !isCard(m[1])) { found.push(_("a phone number")); } });
    });
    custom.forEach(function (p) {
      each(p.re, text, function (m) { if (m[0]) { found.push(!/^[a-z]/.test(p.name) ? p.name : (/^[aeiou]/.test(p.name) ? _("an %(name)s", { name: p.name }) : _("a %(name)s", { name: p.name }))); } });
    });
    return found.filter(function (label, i) { return found.indexOf(label) === i; });
  }

  function sentence(labels) {
    if (labels.length < 2) { return labels.join(""); }
    return _("%(first)s and %(last)s", { first: labels.slice(0, -1).join(", "), last: labels[labels.length - 1] });
  }

  function wire(form, custom) {
    var fields = Array.prototype.slice.call(form.querySelectorAll('textarea[name="body"], input[name="title"]'));
    var body = form.querySelector('textarea[name="body"]');
    var hint = body && document.querySelector('[data-pii-hint-for="' + body.id + '"]');
    if (!hint) { return; }
    var timer = null;
    var panel = document.querySelector("[data-pii-warning]");
    function check() {
      var labels = panel ? [] : find(fields.map(function (f) { return f.value; }).join("\n"), custom);
      if (labels.length) {
        hint.textContent = _("Heads up: this looks like it contains %(kinds)s. Posts are public, so consider leaving it out. You can still post; we will ask before it goes live.", { kinds: sentence(labels) });
        hint.hidden = false;
      } else {
        hint.textContent = "";
        hint.hidden = true;
      }
    }
    fields.forEach(function (field) {
      field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 250); });
    });
    check();
  }

  /* The panel's choice forms carry the refused text in hidden inputs: send the fields' current values instead. */
  function syncChoices(warning) {
    Array.prototype.forEach.call(warning.querySelectorAll("form"), function (choice) {
      choice.addEventListener("submit", function () {
        Array.prototype.forEach.call(choice.querySelectorAll('input[type="hidden"]'), function (hidden) {
          if (hidden.name === "csrf_token" || hidden.name === "confirm_public" || hidden.name === "private_to_staff") { return; }
          var source = document.querySelector('form[data-pii-check] [name="' + hidden.name + '"]');
          if (source) { hidden.value = source.value; }
        });
      });
    });
  }

  function start() {
    var custom = companyPatterns();
    Array.prototype.forEach.call(document.querySelectorAll("form[data-pii-check]"), function (form) { wire(form, custom); });
    var warning = document.querySelector("[data-pii-warning]");
    if (warning) {
      syncChoices(warning);
      warning.focus();
      // Moving to the form's #fragment after load takes focus away again: give it back once.
      window.addEventListener("load", function () {
        setTimeout(function () { warning.focus({ preventScroll: true }); }, 50);
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-pii-edit]"), function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById((link.getAttribute("href") || "#body").slice(1));
        if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
