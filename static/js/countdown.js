(function () {
  "use strict";
  function render(el) {
    var deadline = Date.parse(el.dataset.deadline);
    var left = Math.floor((deadline - Date.now()) / 1000);
    if (isNaN(deadline)) { return; }
    if (left <= 0) { el.textContent = el.dataset.closedText; return false; }
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600);
    var m = Math.floor(left % 3600 / 60), s = left % 60;
    var parts = [];
    if (d) { parts.push(el.dataset.dayText.replace("%d", d)); }
    if (d || h) { parts.push(el.dataset.hourText.replace("%d", h)); }
    parts.push(el.dataset.minuteText.replace("%d", m));
    if (!d) { parts.push(el.dataset.secondText.replace("%d", s)); }
    el.textContent = parts.join(" ");
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var timers = document.querySelectorAll("[data-deadline]");
    timers.forEach(function (el) {
      if (render(el) === false) { return; }
      var id = window.setInterval(function () {
        if (render(el) === false) { window.clearInterval(id); }
      }, 1000);
    });
  });
})();
