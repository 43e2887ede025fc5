/* Times in the reader's own time zone and locale.
   The server writes every time as <time datetime="2026-12-06T18:51:00Z" data-local="STYLE">6 Dec 2026, 18:51 UTC</time>
   (forum/timefmt.py): pages are cached whole for visitors, so only the browser knows the reader's zone and how
   long ago "now" is. Without scripts the UTC text stays. STYLE: datetime | date | month | short | relative
   ("3 hours ago", refreshed every minute); the title always holds the full local date and time with its zone.
   data-label="asked" is put back before the time. Dates and clock times follow the reader's locale (01.07.2026 for
   a German reader); "3 hours ago" is a phrase inside the page's sentences, so it follows the page's language. */
(function () {
  "use strict";

  var locale = (navigator.languages && navigator.languages.length) ? navigator.languages[0] : undefined;
  var pageLanguage = document.documentElement.lang || "en";
  /* a member who chose a time zone in settings sees that zone's clock on every device (forum/i18n.py) */
  var zone = document.documentElement.getAttribute("data-time-zone") || undefined;
  var FORMATS = {
    datetime: { dateStyle: "medium", timeStyle: "short" },
    date: { dateStyle: "medium" },
    month: { month: "long", year: "numeric" },
    short: { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" },
    title: { dateStyle: "full", timeStyle: "long" }
  };
  var UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600],
               ["minute", 60]];
  var cache = {};

  function options(style) {
    var chosen = FORMATS[style] || FORMATS.datetime;
    var copy = {};
    for (var key in chosen) {
      if (Object.prototype.hasOwnProperty.call(chosen, key)) {
        copy[key] = chosen[key];
      }
    }
    if (zone) {
      copy.timeZone = zone;
    }
    return copy;
  }

  function formatter(style) {
    if (!cache[style]) {
      try {
        cache[style] = new Intl.DateTimeFormat(locale, options(style));
      } catch (error) {  /* an unknown locale tag or zone: the browser's default */
        cache[style] = new Intl.DateTimeFormat(undefined, FORMATS[style] || FORMATS.datetime);
      }
    }
    return cache[style];
  }

  function relative(moment, now) {
    var seconds = Math.round((moment.getTime() - now) / 1000);
    var size = Math.abs(seconds);
    var rtf = null;
    try {
      rtf = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(pageLanguage, { numeric: "auto" }) : null;
    } catch (error) {  /* an unknown language tag */
      rtf = null;
    }
    if (size < 45) {
      return rtf ? rtf.format(0, "second") : null;  /* "now" */
    }
    for (var i = 0; i < UNITS.length; i++) {
      if (size >= UNITS[i][1] || UNITS[i][0] === "minute") {
        var count = Math.round(seconds / UNITS[i][1]);
        return rtf ? rtf.format(count, UNITS[i][0]) : formatter("datetime").format(moment);
      }
    }
    return null;
  }

  function render(element, now) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) {
      return;
    }
    var style = element.getAttribute("data-local");
    var text = style === "relative" ? (relative(moment, now) || formatter("datetime").format(moment))
                                    : formatter(style).format(moment);
    var label = element.getAttribute("data-label");
    element.textContent = (label ? label + " " : "") + text;
    element.title = formatter("title").format(moment);
    element.setAttribute("data-localized", "");
  }

  function renderAll(root) {
    var now = Date.now();
    var elements = (root || document).querySelectorAll("time[data-local]");
    for (var i = 0; i < elements.length; i++) {
      render(elements[i], now);
    }
  }

  if (!window.Intl || !Intl.DateTimeFormat) {
    return;  /* the UTC text stays */
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { renderAll(); });
  } else {
    renderAll();
  }
  setInterval(function () {
    var now = Date.now();
    var elements = document.querySelectorAll('time[data-local="relative"]');
    for (var i = 0; i < elements.length; i++) {
      render(elements[i], now);
    }
  }, 60000);
  window.forumLocalTime = renderAll;  /* for content added later (forum.js's live updates) */
}());
