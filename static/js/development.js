// Draws a programme's charts from the figures the page embeds (json_script), with the vendored Chart.js:
// before/after (the participants' latest mean against their baseline = 100) and the effect per KPI with its interval.
(function () {
  "use strict";
  const source = document.getElementById("programme-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const brand = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim() || "#0b6e4f";
  const options = (extra) => Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, extra);
  const charts = [];
  const change = document.getElementById("chart-change");
  if (change) {
    charts.push(
      new Chart(change, {
        type: "bar",
        data: {
          labels: data.kpis,
          datasets: [
            { label: data.labels.baseline, data: data.kpis.map(() => 100), backgroundColor: "#9ca3af" },
            {
              label: data.labels.latest,
              data: data.change.map((value) => (value === null ? null : 100 + value)),
              backgroundColor: brand,
            },
          ],
        },
        options: options({}),
      })
    );
  }
  const impact = document.getElementById("chart-impact");
  if (impact) {
    charts.push(
      new Chart(impact, {
        data: {
          labels: data.impact_kpis,
          datasets: [
            { type: "bar", label: data.labels.low + " – " + data.labels.high, data: data.interval_pct, backgroundColor: "rgba(11, 110, 79, 0.25)" },
            { type: "line", label: data.labels.att, data: data.att_pct, showLine: false, borderColor: "#c2410c", backgroundColor: "#c2410c", pointRadius: 5 },
          ],
        },
        options: options({}),
      })
    );
  }
  window.enlaceCharts = charts;
})();
