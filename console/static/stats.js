/* The statistics dashboard's charts, drawn by Chart.js (vendored UMD build) from the JSON the
   page carries. Suppressed cells (null) are left out of the bars, never drawn as zero. */
"use strict";
(function () {
  var source = document.getElementById("stats-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#0b4f9c", "#155724", "#a35a00", "#6a1b9a"];
  var funnel = document.getElementById("chart-funnel");
  if (funnel) {
    new window.Chart(funnel, {
      type: "bar",
      data: {
        labels: data.stages,
        datasets: [{ label: data.stages[0], data: data.funnel, backgroundColor: colours[0] }]
      },
      options: { indexAxis: "y", animation: false, plugins: { legend: { display: false } } }
    });
  }
  var months = document.getElementById("chart-months");
  if (months) {
    new window.Chart(months, {
      type: "line",
      data: {
        labels: data.months,
        datasets: data.trend.map(function (series, i) {
          return { label: series.label, data: series.values, borderColor: colours[i % 4],
                   backgroundColor: colours[i % 4], spanGaps: false };
        })
      },
      options: { animation: false }
    });
  }
}());
