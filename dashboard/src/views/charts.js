// The last hour as three small uPlot charts, loaded from the snapshots (admin.history) and
// extended by every admin.stats push.

import uPlot from "uplot";

import { h } from "../dom.js";

const WINDOW_S = 3600;
const HEIGHT = 150;
const CHARTS = [
  {
    title: "Users, rooms and sockets",
    series: [
      { key: "users_online", label: "Users online", stroke: "#2563eb" },
      { key: "rooms_active", label: "Active rooms", stroke: "#16a34a" },
      { key: "sockets", label: "Sockets", stroke: "#a855f7" },
    ],
  },
  {
    title: "Events per second and p99 ack latency",
    series: [
      { key: "events_per_s", label: "Events/s", stroke: "#ea580c" },
      { key: "p99_ack_ms", label: "p99 ack (ms)", stroke: "#dc2626", scale: "right" },
    ],
  },
  {
    title: "CPU and memory",
    series: [
      { key: "cpu_percent", label: "CPU %", stroke: "#0891b2" },
      { key: "rss_mb", label: "Memory (MB)", stroke: "#64748b", scale: "right" },
    ],
  },
];

function options(spec, width) {
  const hasRight = spec.series.some((s) => s.scale === "right");
  const axisStyle = { stroke: "#64748b", grid: { stroke: "#eef2f7", width: 1 }, ticks: { stroke: "#e2e8f0", width: 1 } };
  return {
    width,
    height: HEIGHT,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
      right: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
    axes: [
      { ...axisStyle, size: 28 },
      { ...axisStyle, size: 44 },
      ...(hasRight ? [{ ...axisStyle, scale: "right", side: 1, size: 44, grid: { show: false } }] : []),
    ],
    series: [
      {},
      ...spec.series.map((s) => ({
        label: s.label, stroke: s.stroke, width: 1.5, scale: s.scale || "y",
        fill: s.scale ? undefined : `${s.stroke}14`, points: { show: false },
      })),
    ],
  };
}

export function createCharts() {
  const el = h("section", { class: "charts", testid: "charts" });
  const charts = CHARTS.map((spec) => {
    const body = h("div", { class: "chart-body" });
    const card = h("div", { class: "card chart" }, h("h2", { class: "card-title" }, spec.title), body);
    el.append(card);
    return { spec, body, plot: null, data: [[], ...spec.series.map(() => [])] };
  });

  function draw(chart) {
    const width = Math.max(200, chart.body.clientWidth || 380);
    if (!chart.plot) chart.plot = new uPlot(options(chart.spec, width), chart.data, chart.body);
    else chart.plot.setData(chart.data);
  }

  function append(chart, point) {
    const t = point.t / 1000;
    const times = chart.data[0];
    if (times.length && t <= times[times.length - 1]) return;
    times.push(t);
    chart.spec.series.forEach((s, i) => chart.data[i + 1].push(point[s.key] ?? null));
    const cutoff = t - WINDOW_S;
    while (times.length && times[0] < cutoff) chart.data.forEach((column) => column.shift());
  }

  const resize = new ResizeObserver(() => {
    for (const chart of charts) {
      if (chart.plot) chart.plot.setSize({ width: Math.max(200, chart.body.clientWidth), height: HEIGHT });
    }
  });
  charts.forEach((chart) => resize.observe(chart.body));

  return {
    el,
    /** Replace with history points [{t, …stats}] (oldest first), keeping newer live points. */
    load(points) {
      for (const chart of charts) {
        const live = chart.data[0].map((t, i) => ({ t: t * 1000, ...Object.fromEntries(
          chart.spec.series.map((s, k) => [s.key, chart.data[k + 1][i]])) }));
        chart.data = [[], ...chart.spec.series.map(() => [])];
        for (const p of points) append(chart, p);
        for (const p of live) append(chart, p);
        draw(chart);
      }
    },
    push(stats) {
      for (const chart of charts) {
        append(chart, { ...stats, t: stats.server_ms });
        draw(chart);
      }
    },
  };
}
