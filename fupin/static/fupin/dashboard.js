// The statistics dashboard's charts (echarts), from the figures the page holds as JSON
// (#stats-data). A file of its own, not a script in the page: the Content-Security-Policy
// allows no inline script.
(function () {
  var data = JSON.parse(document.getElementById("stats-data").textContent);
  var charts = [];
  function draw(id, option) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    var chart = echarts.init(node);
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }
  function drill(chart) {
    chart.on("click", function (p) {
      var i = data.children.codes.indexOf(p.name);
      if (i < 0) { i = data.children.names.indexOf(p.name); }
      if (i >= 0) { window.location.href = data.children.links[i]; }
    });
  }
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { data: data.trend.series.map(function (s) { return s.name; }) },
    xAxis: { type: "category", data: data.trend.years },
    yAxis: { type: "value" },
    series: data.trend.series.map(function (s) { return { name: s.name, type: s.type, data: s.values }; })
  });
  Object.keys(data.breakdowns).forEach(function (name) {
    var b = data.breakdowns[name];
    var option = b.kind === "pie" ? {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: "65%", data: b.labels.map(function (l, i) { return { name: l, value: b.values[i] }; }).filter(function (d) { return d.value; }) }]
    } : {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: b.labels, inverse: true },
      series: [{ type: "bar", data: b.values }]
    };
    draw("chart-" + name, option);
  });
  var kids = data.children;
  var coverage = draw("chart-coverage", {
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 16, containLabel: true },
    xAxis: { type: "category", data: kids.names, axisLabel: { rotate: kids.names.length > 6 ? 40 : 0 } },
    yAxis: { type: "value", max: 100, name: kids.coverage_label },
    series: [{ type: "bar", data: kids.coverage }]
  });
  if (coverage) { drill(coverage); }
  if (data.map) {
    fetch(data.map.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("region-" + data.map.code, geo);
      var select = document.getElementById("map-metric");
      var map = draw("chart-map", {});
      function colour() {
        var m = kids.metrics[Number(select.value)];
        var values = m.values.filter(function (v) { return v !== null; });
        map.setOption({
          tooltip: { trigger: "item", formatter: function (p) {
            var i = kids.codes.indexOf(p.name);
            var v = i >= 0 ? m.values[i] : null;
            return (i >= 0 ? kids.names[i] : p.name) + "<br>" + m.label + ": " + (v === null ? "—" : v);
          } },
          visualMap: { min: 0, max: Math.max(1, Math.max.apply(null, values.concat([0]))), calculable: true, left: 8, bottom: 8, inRange: { color: ["#fdecea", "#b71c1c"] } },
          series: [{ type: "map", map: "region-" + data.map.code, nameProperty: "code", roam: true,
            label: { show: kids.codes.length <= 30, formatter: function (p) { var i = kids.codes.indexOf(p.name); return i >= 0 ? kids.names[i] : ""; } },
            data: kids.codes.map(function (c, i) { return { name: c, value: m.values[i] }; }) }]
        });
      }
      colour();
      select.addEventListener("change", colour);
      drill(map);
      document.getElementById("chart-map").setAttribute("data-ready", "1");
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
