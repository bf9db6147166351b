// Draws the impact dashboard's charts from the figures the page embeds (json_script), with the vendored Chart.js.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const brand = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim() || "#0b6e4f";
  // A fresh options object per chart: Chart.js keeps and resolves the one it is given.
  const options = (extra) => Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, extra);
  window.enlaceCharts = [
    new Chart(document.getElementById("chart-linkages"), {
      type: "bar",
      data: { labels: data.years, datasets: [{ label: data.labels.new_linkages, data: data.new_linkages, backgroundColor: brand }] },
      options: options({}),
    }),
    new Chart(document.getElementById("chart-values"), {
      type: "line",
      data: {
        labels: data.value_years,
        datasets: [
          { label: data.labels.first, data: data.cumulative_first, borderColor: brand },
          { label: data.labels.follow_up, data: data.cumulative_follow_up, borderColor: "#c2410c" },
        ],
      },
      options: options({}),
    }),
    new Chart(document.getElementById("chart-funnel"), {
      type: "bar",
      data: { labels: data.funnel_labels, datasets: [{ label: data.labels.funnel, data: data.funnel, backgroundColor: brand }] },
      options: options({ indexAxis: "y" }),
    }),
  ];
})();
