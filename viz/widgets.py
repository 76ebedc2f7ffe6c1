"""Two small browser widgets that draw on the client and take little from the wire.

Both are ipyvue templates (a Vue component synced to Python traitlets; ipyvue
and ipyvuetify already come with Solara, so no new dependency). The network's
positions, edges and rings are sent once per world; each step sends only the
users' states, one character a user (2 KB at 2,000 users), and the canvas
repaints only the users whose state changed since it last drew. A full state
string, rather than a list of changes, cannot be corrupted by a message that
Vue coalesces or a client that reconnects. The chart is an SVG the browser
builds from the per-step counts (a few KB), so the server never renders it.

Most of its 400-odd lines are the two widgets' Vue templates (HTML, CSS and
JavaScript) as strings, each beside the Python class that syncs it.
"""

from __future__ import annotations

import ipyvue
import traitlets

NETWORK_TEMPLATE = """
<template>
  <div class="network-canvas" style="position:relative;width:100%">
    <canvas ref="canvas" @click="tap" style="width:100%;display:block;touch-action:manipulation;cursor:pointer"
            :aria-label="label" role="img"></canvas>
  </div>
</template>
<script>
module.exports = {
  data() { return { drawn: "", scale: 1 }; },
  mounted() {
    this.observer = new ResizeObserver(() => this.full());
    this.observer.observe(this.$el);
    this.full();
  },
  destroyed() { if (this.observer) this.observer.disconnect(); },
  watch: {
    states() { this.update(); },
    painted_step() { this.update(); },  // a step that changed no user still marks the step as drawn
    xy() { this.full(); },
    edges() { this.full(); },
    pinned() { this.full(); },
  },
  methods: {
    points() {
      if (this._xyCache !== this.xy) {
        this._xyCache = this.xy;
        const v = this.xy ? this.xy.split(",").map(Number) : [];
        this._pts = [];
        for (let i = 0; i + 1 < v.length; i += 2) this._pts.push([v[i] / 1000, v[i + 1] / 1000]);
      }
      return this._pts;
    },
    size() {
      const canvas = this.$refs.canvas;
      const w = Math.max(50, this.$el.clientWidth || 300);
      const h = Math.round(w * this.aspect);
      const ratio = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
        canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
        canvas.style.height = h + "px";
      }
      return [w, h, ratio];
    },
    place(p, w, h) { return [6 + p[0] * (w - 12), 6 + p[1] * (h - 12)]; },
    dot(ctx, i, w, h, r) {
      const pts = this.points();
      const [x, y] = this.place(pts[i], w, h);
      const s = this.states.charCodeAt(i) - 48;
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = this.palette[s] || "#000"; ctx.fill();
      if (this.rings.charAt(i) === "1") { ctx.lineWidth = 1.5; ctx.strokeStyle = "#6a3d9a"; ctx.stroke(); }
    },
    radius(w) { const n = this.points().length; return Math.max(2, Math.min(6, w / 220 * (n > 800 ? 1 : 1.6))); },
    full() {
      if (!this.$refs.canvas) return;
      const [w, h, ratio] = this.size();
      const ctx = this.$refs.canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, w, h);
      const pts = this.points();
      const e = this.edges ? this.edges.split(",").map(Number) : [];
      ctx.strokeStyle = "#c8c8c8"; ctx.lineWidth = 0.4; ctx.beginPath();
      for (let k = 0; k + 1 < e.length; k += 2) {
        const a = this.place(pts[e[k]], w, h), b = this.place(pts[e[k + 1]], w, h);
        ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]);
      }
      ctx.stroke();
      const r = this.radius(w);
      // Furthest-along users last, so actions stay visible.
      for (let s = 0; s <= 4; s++) {
        for (let i = 0; i < pts.length; i++) if (this.states.charCodeAt(i) - 48 === s) this.dot(ctx, i, w, h, r);
      }
      if (this.pinned >= 0 && this.pinned < pts.length) {
        const [x, y] = this.place(pts[this.pinned], w, h);
        ctx.beginPath(); ctx.arc(x, y, r + 5, 0, 2 * Math.PI);
        ctx.lineWidth = 3; ctx.strokeStyle = "#000"; ctx.stroke();
      }
      this.drawn = this.states;
      this.$el.setAttribute("data-painted", this.painted_step);
    },
    update() {
      if (!this.$refs.canvas) return;
      if (this.drawn.length !== this.states.length) return this.full();
      const [w, h, ratio] = this.size();
      const ctx = this.$refs.canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      const r = this.radius(w);
      for (let i = 0; i < this.states.length; i++) {
        if (this.states.charCodeAt(i) !== this.drawn.charCodeAt(i)) this.dot(ctx, i, w, h, r);
      }
      this.drawn = this.states;
      this.$el.setAttribute("data-painted", this.painted_step);
    },
    tap(event) {
      const rect = this.$refs.canvas.getBoundingClientRect();
      const w = rect.width, h = rect.height;
      const x = event.clientX - rect.left, y = event.clientY - rect.top;
      let best = -1, bestD = Infinity;
      const pts = this.points();
      for (let i = 0; i < pts.length; i++) {
        const [px, py] = this.place(pts[i], w, h);
        const d = (px - x) ** 2 + (py - y) ** 2;
        if (d < bestD) { bestD = d; best = i; }
      }
      // A finger is about 40 px wide: pin the nearest user within that, or unpin.
      this.pinned = bestD <= 24 * 24 ? best : -1;
    },
    png() { return this.$refs.canvas.toDataURL("image/png"); },
  },
};
</script>
"""


class NetworkCanvas(ipyvue.VueTemplate):
    """The users as dots on a canvas; ``states`` is one digit (a ``UserState``) per user shown."""

    template = traitlets.Unicode(NETWORK_TEMPLATE).tag(sync=True)
    xy = traitlets.Unicode("").tag(sync=True)
    edges = traitlets.Unicode("").tag(sync=True)
    rings = traitlets.Unicode("").tag(sync=True)
    states = traitlets.Unicode("").tag(sync=True)
    palette = traitlets.List(traitlets.Unicode(), default_value=[]).tag(sync=True)
    aspect = traitlets.Float(0.75).tag(sync=True)
    pinned = traitlets.Int(-1).tag(sync=True)
    painted_step = traitlets.Int(0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)


CHART_TEMPLATE = """
<template>
  <div class="live-chart-box" style="width:100%">
    <svg ref="svg" class="live-chart" xmlns="http://www.w3.org/2000/svg" :viewBox="'0 0 ' + W + ' ' + H"
         :width="W" :height="H" style="display:block;max-height:var(--chart-max-h, 60vh);
         background:#fff;font-family:sans-serif" :font-size="fs" role="img" :aria-label="title">
      <text ref="title" :x="W / 2" :y="fs * 1.3" text-anchor="middle" :font-size="titleFs"
            font-weight="bold">{{ title }}</text>
      <g v-for="t in ticks" :key="'t' + t.v">
        <line :x1="L" :x2="W - R" :y1="t.y" :y2="t.y" stroke="#e4e4e4"/>
        <text :x="L - 6" :y="t.y + fs / 3" text-anchor="end" fill="#444">{{ t.label }}</text>
      </g>
      <text :x="(L + W - R) / 2" :y="H - fs * 0.4" text-anchor="middle" fill="#444">{{ xlabel }}</text>
      <!-- The axis title reads across, above the axis: rotated, a long title was cut at both ends. -->
      <text :x="4" :y="T - fs * 0.5" text-anchor="start" fill="#444">{{ ylabel }}</text>
      <line :x1="L" :x2="W - R" :y1="y(goal)" :y2="y(goal)" stroke="#000" stroke-dasharray="3 4" stroke-width="1.5"/>
      <text :x="W - R - 4" :y="y(goal) - fs * 0.4" text-anchor="end">{{ goal_label }}</text>
      <g v-for="(line, k) in lines" :key="'l' + k">
        <polyline :points="line.points" fill="none" :stroke="line.colour"
                  :stroke-width="line.big ? 5 : 2.5" :stroke-dasharray="line.dash"/>
        <text v-if="line.end" :x="line.end[0] + 6" :y="line.labelY + fs / 3" :fill="line.colour" font-weight="bold"
              :font-size="line.big ? fs * 1.25 : fs" class="end-label">{{ line.name }}</text>
      </g>
      <!-- A real campaign's observed points (drawn last: over the lines): a bar over the tolerance, a ring at
           the value, the date above. -->
      <g v-for="(p, k) in points" :key="'p' + k" class="observed-point">
        <title>{{ p.label }}</title>
        <line :x1="x(p.x)" :x2="x(p.x)" :y1="y(p.low)" :y2="y(p.high)" stroke="#000" stroke-width="2"/>
        <line :x1="x(p.x) - 5" :x2="x(p.x) + 5" :y1="y(p.low)" :y2="y(p.low)" stroke="#000" stroke-width="2"/>
        <line :x1="x(p.x) - 5" :x2="x(p.x) + 5" :y1="y(p.high)" :y2="y(p.high)" stroke="#000" stroke-width="2"/>
        <circle :cx="x(p.x)" :cy="y(p.y)" r="6" fill="#fff" stroke="#000" stroke-width="2.5"/>
        <text :x="x(p.x)" :y="y(p.high) - fs * 0.4" text-anchor="middle" :font-size="fs * 0.85"
              class="observed-label" stroke="#fff" stroke-width="7" stroke-linejoin="round"
              paint-order="stroke">{{ p.short }}</text>
      </g>
    </svg>
  </div>
</template>
<script>
module.exports = {
  data() { return { W: 900, H: 380, L0: 70, R: 120, T: 30, B: 40, fs: 14, titleFs: 15 }; },
  mounted() {
    // The drawing is exactly as large as its box (no scaling), and its type follows the page's type, so it
    // stays readable on a phone and grows on a projector.
    const fit = () => {
      const style = getComputedStyle(this.$el);
      const fs = parseFloat(style.fontSize) || 16;
      const w = Math.max(300, this.$el.clientWidth || 900);
      const maxH = parseFloat(getComputedStyle(this.$refs.svg).maxHeight) || 0.6 * window.innerHeight;
      this.fs = Math.round(fs);
      this.W = w; this.H = Math.round(Math.max(220, Math.min(w < 600 ? w * 0.85 : w * 0.45, maxH)));
      this.L0 = Math.round(this.fs * 3.6); this.R = Math.round(this.fs * (w < 600 ? 7.5 : 10));
      this.T = Math.round(this.fs * 3.6); this.B = Math.round(this.fs * 2.8);
      this.$nextTick(this.fitTitle);
    };
    this.observer = new ResizeObserver(fit);
    this.observer.observe(this.$el);
    fit();
  },
  destroyed() { if (this.observer) this.observer.disconnect(); },
  watch: { title() { this.$nextTick(this.fitTitle); } },
  computed: {
    // The left margin fits the longest number on the axis ("100.000" of a case's 100,000 users was cut).
    L() { return Math.max(this.L0, Math.round(Math.max(0, ...this.ticks.map(t => t.label.length)) * this.fs * 0.62
                                               + this.fs * 0.8)); },
    top() {
      let m = Math.max(this.goal, 1);
      for (const p of this.points) m = Math.max(m, p.high);
      for (const w of this.worlds) {
        for (const c of this.columns) for (const v of (w.series[c] || [])) m = Math.max(m, v);
      }
      return this.log ? Math.pow(10, Math.ceil(Math.log10(m * 1.05))) : m * 1.08;
    },
    last() {
      let n = 10;
      for (const w of this.worlds) n = Math.max(n, (w.series.step || []).length - 1);
      for (const p of this.points) n = Math.max(n, p.x);
      return n;
    },
    ticks() {
      const out = [];
      if (this.log) {
        for (let v = 1; v <= this.top; v *= 10) out.push({ v: v, y: this.y(v), label: this.fmt(v) });
      } else {
        const raw = this.top / 4, p = Math.pow(10, Math.floor(Math.log10(raw)));
        const step = [1, 2, 2.5, 5, 10].map(m => m * p).find(s => s >= raw);
        for (let v = 0; v <= this.top; v += step) out.push({ v: v, y: this.y(v), label: this.fmt(v) });
      }
      return out;
    },
    lines() {
      const out = [];
      this.worlds.forEach((w, k) => {
        for (const c of this.columns) {
          const vals = w.series[c] || [];
          const pts = vals.map((v, i) => this.x(i) + "," + this.y(v));
          out.push({ column: c, colour: this.colours[c], dash: k ? "8 5" : "",
                     points: pts.join(" "),
                     end: vals.length && (k === 0 || this.worlds.length === 1)
                       ? [this.x(vals.length - 1), this.y(vals[vals.length - 1])] : null,
                     big: this.big.includes(c),
                     name: this.fmt(vals.length ? vals[vals.length - 1] : 0) + " " + this.names[c] });
        }
      });
      // End labels never overlap: sorted top to bottom, each at least a line below the one above, and the
      // stack moved up if it runs past the axis (at step 0 every line ends at one point).
      const ends = out.filter(l => l.end).sort((a, b) => a.end[1] - b.end[1]);
      const size = l => (l.big ? 1.25 : 1) * this.fs;
      let y = -Infinity, above = null;
      for (const l of ends) {
        y = above ? Math.max(l.end[1], y + 0.7 * (size(above) + size(l))) : l.end[1];
        l.labelY = y; above = l;
      }
      const over = ends.length ? ends[ends.length - 1].labelY - (this.H - this.B) : 0;
      if (over > 0) for (const l of ends) l.labelY -= over;
      return out;
    },
  },
  methods: {
    x(i) { return this.L + (this.W - this.L - this.R) * i / this.last; },
    y(v) {
      const h = this.H - this.T - this.B;
      if (this.log) return this.H - this.B - h * Math.log10(Math.max(v, 1)) / Math.log10(this.top);
      return this.H - this.B - h * v / this.top;
    },
    fmt(v) { return Math.round(v).toLocaleString(this.locale); },
    fitTitle() {
      // The title in smaller type when it is wider than the chart (two worlds' legend beside the chart on a
      // projector at 150% zoom), rather than cut at both ends; measured at full size, then set.
      const el = this.$refs.title;
      if (!el) return;
      const full = this.fs * 1.1;
      el.setAttribute("font-size", full);
      const len = el.getComputedTextLength();
      this.titleFs = len > this.W - 8 ? full * (this.W - 8) / len : full;
      el.setAttribute("font-size", this.titleFs);
    },
    png(then) {
      const svg = new XMLSerializer().serializeToString(this.$refs.svg);
      const img = new Image();
      img.onload = () => {
        const c = document.createElement("canvas"); c.width = this.W * 2; c.height = this.H * 2;
        const ctx = c.getContext("2d"); ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height);
        ctx.drawImage(img, 0, 0, c.width, c.height); then(c.toDataURL("image/png"));
      };
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
    },
  },
};
</script>
"""


class LiveChart(ipyvue.VueTemplate):
    """Likes, shares and actions on one shared y-scale (linear, or log and labelled as such).

    ``worlds`` is ``[{"name": ..., "series": {"step": [...], "aware": [...], ...}}, ...]``; World B is dashed.
    """

    template = traitlets.Unicode(CHART_TEMPLATE).tag(sync=True)
    worlds = traitlets.List(default_value=[]).tag(sync=True)
    columns = traitlets.List(traitlets.Unicode(), default_value=[]).tag(sync=True)
    colours = traitlets.Dict(default_value={}).tag(sync=True)
    names = traitlets.Dict(default_value={}).tag(sync=True)
    goal = traitlets.Int(0).tag(sync=True)
    goal_label = traitlets.Unicode("").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    xlabel = traitlets.Unicode("").tag(sync=True)
    ylabel = traitlets.Unicode("").tag(sync=True)
    log = traitlets.Bool(False).tag(sync=True)
    locale = traitlets.Unicode("en").tag(sync=True)
    #: The columns drawn thick with large labels: likes and actions, the gap the lesson is about.
    big = traitlets.List(traitlets.Unicode(), default_value=[]).tag(sync=True)
    #: A real campaign's observed points: ``[{"x": step, "y": people, "low": ..., "high": ..., "short": date,
    #: "label": words}]`` (``viz/case_panel.py``).
    points = traitlets.List(default_value=[]).tag(sync=True)


EXPORT_TEMPLATE = """
<template>
  <button class="export-png v-btn v-btn--outlined theme--light v-size--default" @click="save"
          style="padding:0 12px;min-height:36px">{{ label }}</button>
</template>
<script>
module.exports = {
  methods: {
    save() {
      const svg = document.querySelector("svg.live-chart");
      const canvases = [...document.querySelectorAll(".network-canvas canvas")];
      const W = 1800;
      const chartH = svg ? Math.round(W * svg.height.baseVal.value / Math.max(1, svg.width.baseVal.value)) : 0;
      const netH = canvases.length ? 700 : 0;
      const out = document.createElement("canvas"); out.width = W; out.height = chartH + netH;
      const ctx = out.getContext("2d"); ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, out.width, out.height);
      canvases.forEach((c, k) => {
        const w = W / canvases.length, h = Math.min(netH, w * c.height / c.width);
        ctx.drawImage(c, k * w, chartH, w, h);
      });
      const finish = () => {
        const a = document.createElement("a"); a.href = out.toDataURL("image/png"); a.download = this.filename;
        document.body.appendChild(a); a.click(); a.remove();
      };
      if (!svg) return finish();
      const img = new Image();
      img.onload = () => { ctx.drawImage(img, 0, 0, W, chartH); finish(); };
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    },
  },
};
</script>
"""


class ExportPng(ipyvue.VueTemplate):
    """A button that saves the chart and the network views as one PNG, made in the browser (no server round trip)."""

    template = traitlets.Unicode(EXPORT_TEMPLATE).tag(sync=True)
    label = traitlets.Unicode("PNG").tag(sync=True)
    filename = traitlets.Unicode("slacktivism.png").tag(sync=True)


DOCUMENT_TEMPLATE = """
<template>
  <span class="document-fixes" style="display:none"></span>
</template>
<script>
const ZOOMABLE = "width=device-width, initial-scale=1";
module.exports = {
  mounted() {
    this.fix();
    // Menus Vuetify adds later (a scenario menu, World B's menu) get the same fix.
    this.observer = new MutationObserver(() => this.fix());
    this.observer.observe(document.body, {childList: true, subtree: true});
  },
  destroyed() { if (this.observer) this.observer.disconnect(); },
  watch: { lang() { this.fix(); } },
  methods: {
    fix() {
      if (document.documentElement.lang !== this.lang) document.documentElement.lang = this.lang;
      // Vuetify 2's select is a role="button" box holding a focusable input, which screen readers cannot
      // reach (axe: nested-interactive, serious); a combobox may hold its input.
      for (const e of document.querySelectorAll('[role="button"][aria-haspopup="listbox"]')) {
        e.setAttribute("role", "combobox");
      }
      // Solara's page template forbids zooming (maximum-scale=1, user-scalable=no), so a student could not
      // pinch the numbers larger on a phone (axe: meta-viewport, WCAG 1.4.4). The tag is written by Solara's
      // template, before the app runs; it is made zoomable as soon as the page loads, and mobile browsers
      // follow a changed viewport tag.
      const viewport = document.querySelector('meta[name="viewport"]');
      if (viewport && viewport.content !== ZOOMABLE) viewport.content = ZOOMABLE;
    },
  },
};
</script>
"""


class DocumentFixes(ipyvue.VueTemplate):
    """The page's language on ``<html lang>``, Vuetify's selects made reachable by a screen reader, and zoom.

    The first two were what axe-core flagged as serious: without ``lang`` a screen reader reads Indonesian with
    English rules, and a select was a button around an input (now a combobox, which may hold one). The third was
    moderate: Solara's page template turns pinch-zoom off, and the page turns it back on.
    """

    template = traitlets.Unicode(DOCUMENT_TEMPLATE).tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)
