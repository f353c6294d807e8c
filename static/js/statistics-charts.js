(function () {
  "use strict";
  var COLOURS = ["#0b3d91", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#1098ad", "#c2255c", "#5c940d"];
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("statistics-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("canvas.statistics-chart").forEach(function (canvas) {
      var spec = charts[canvas.getAttribute("data-chart")];
      if (!spec || !spec.labels.length) { canvas.hidden = true; return; }
      var datasets = spec.datasets.map(function (set, index) {
        return { label: set.label, data: set.data, backgroundColor: COLOURS[index % COLOURS.length] };
      });
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          animation: false,
          indexAxis: spec.horizontal ? "y" : "x",
          plugins: { legend: { display: datasets.length > 1 } },
          scales: {
            x: { stacked: !!spec.stacked, beginAtZero: true },
            y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } }
          }
        }
      });
    });
  });
})();
