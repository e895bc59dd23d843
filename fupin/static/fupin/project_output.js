// A project's yearly output chart (echarts), from #output-data; a file, as the
// Content-Security-Policy allows no inline script.
(function () {
  var data = JSON.parse(document.getElementById("output-data").textContent);
  var chart = echarts.init(document.getElementById("output-chart"));
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [data.output_label, data.wages_label] },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value" },
    series: [
      { name: data.output_label, type: "bar", data: data.output },
      { name: data.wages_label, type: "line", data: data.wages }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
