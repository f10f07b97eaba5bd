// The dashboard's only script: draws the charts from the pages' JSON data blocks with ECharts.
// Loaded from a file (no inline script), so the Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  'use strict';
  var data = function (id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  };
  var font = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

  var statusChart = function () {
    var d = data('status-data');
    var el = document.getElementById('status-chart');
    if (!d || !el) return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: font },
      tooltip: { trigger: 'item' },
      grid: { left: 110, right: 30, top: 20, bottom: 30 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: d.items.map(function (i) { return i.label; }) },
      series: [{
        type: 'bar',
        label: { show: true, position: 'right' },
        data: d.items.map(function (i) { return { value: i.count, itemStyle: { color: i.colour }, status: i.status }; }),
      }],
    });
    el.setAttribute('data-items', String(d.items.length));
    window.addEventListener('resize', function () { chart.resize(); });
  };

  var timelineChart = function () {
    var d = data('timeline-data');
    var el = document.getElementById('timeline-chart');
    if (!d || !el) return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    var types = ['ProgressReported', 'ProgressCorrected', 'ProgressRetracted'];
    var symbols = { ProgressReported: 'circle', ProgressCorrected: 'diamond', ProgressRetracted: 'triangle' };
    var colours = { ProgressReported: '#1f5fa8', ProgressCorrected: '#a35200', ProgressRetracted: '#b3261e' };
    var series = types.map(function (type) {
      var pts = d.points.filter(function (p) { return p.type === type; });
      return {
        type: 'scatter',
        name: d.typeLabels[type],
        symbol: symbols[type],
        symbolSize: 11,
        itemStyle: { color: colours[type] },
        data: pts.map(function (p) { return { value: [p.recordedAt, p.value], point: p }; }),
      };
    });
    series.push({
      type: 'line',
      name: d.deadlineLabel,
      data: [],
      markLine: {
        symbol: 'none',
        lineStyle: { color: '#555', type: 'dashed' },
        label: { formatter: function (p) { return p.name; } },
        data: d.deadlines.map(function (x) { return { name: x.due, xAxis: x.at }; }),
      },
    });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: font },
      legend: { top: 0 },
      grid: { left: 60, right: 40, top: 40, bottom: 40 },
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var x = p.data && p.data.point;
          if (!x) return '';
          var div = document.createElement('div');
          div.textContent = '#' + x.position + ' ' + x.typeLabel + ' · ' + x.place + ' · ' + x.figure + ' · ' + x.recordedLocal + ' · ' + x.hash.slice(0, 16) + '…';
          return div.innerHTML;
        },
      },
      // Wide enough for every deadline, or the ones after the last event would not be drawn.
      xAxis: {
        type: 'time',
        min: Math.min.apply(null, d.points.map(function (p) { return Date.parse(p.recordedAt); }).concat(d.deadlines.map(function (x) { return Date.parse(x.at); }))) - 7 * 86400000,
        max: Math.max.apply(null, d.points.map(function (p) { return Date.parse(p.recordedAt); }).concat(d.deadlines.map(function (x) { return Date.parse(x.at); }))) + 7 * 86400000,
      },
      yAxis: { type: 'value', scale: true },
      series: series,
    });
    chart.on('click', function (p) {
      var x = p.data && p.data.point;
      if (!x) return;
      location.hash = 'event-' + x.eventId;
      var row = document.getElementById('event-' + x.eventId);
      if (row) row.focus();
    });
    el.setAttribute('data-points', String(d.points.length));
    window.addEventListener('resize', function () { chart.resize(); });
  };

  var start = function () {
    if (typeof echarts === 'undefined') return;
    statusChart();
    timelineChart();
    document.body.setAttribute('data-charts', 'ready');
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
