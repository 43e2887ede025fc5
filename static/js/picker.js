/* Staff pickers (templates/search/_picker.html): "Use" fills the number field; typing a title asks
   /search/similar for more, by meaning. The form works without this: the numbers are on the page. */
(function () {
  "use strict";
  var _ = window.forumI18n._;  /* the page's translations: static/js/i18n.js (base.html loads it first) */

  var item = function (picker, hit, kind) {
    var li = document.createElement("li");
    li.className = "picker__item";
    var use = document.createElement("button");
    use.type = "button";
    use.className = "btn btn--ghost btn--small picker__use";
    use.setAttribute("data-picker-use", String(hit.id));
    use.textContent = _("Use");
    var which = document.createElement("span");
    which.className = "visually-hidden";
    which.textContent = " #" + hit.id;  /* "Use #12": which one, for a screen reader */
    use.appendChild(which);
    var id = document.createElement("span");
    id.className = "picker__id";
    id.textContent = "#" + hit.id;
    var link = document.createElement("a");
    link.className = "picker__link";
    link.href = hit.url;
    link.textContent = hit.title;
    li.appendChild(use);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(id);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(link);
    return li;
  };

  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var target = document.getElementById(picker.getAttribute("data-picker-target"));
    var list = picker.querySelector("[data-picker-list]");
    var input = picker.querySelector("[data-picker-input]");
    if (!target || !list) { return; }
    picker.querySelectorAll("[data-picker-use]").forEach(function (button) { button.hidden = false; });
    picker.querySelector("[data-picker-find]").hidden = false;
    picker.addEventListener("click", function (event) {
      var button = event.target.closest("[data-picker-use]");
      if (!button) { return; }
      target.value = button.getAttribute("data-picker-use");
      target.focus();
    });
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 3 || !window.fetch) { return; }
      timer = window.setTimeout(function () {
        fetch(picker.getAttribute("data-picker-url") + "&q=" + encodeURIComponent(text),
              {headers: {"Accept": "application/json"}, credentials: "same-origin"})
          .then(function (response) { return response.ok ? response.json() : {items: []}; })
          .then(function (body) {
            list.textContent = "";
            (body.items || []).forEach(function (hit) {
              if (hit.url !== window.location.pathname) { list.appendChild(item(picker, hit)); }  /* never itself */
            });
            if (!list.children.length) {
              var none = document.createElement("li");
              none.className = "picker__empty muted";
              none.textContent = _("Nothing found for that title.");
              list.appendChild(none);
            }
          })
          .catch(function () {});
      }, 300);
    });
  });
})();
