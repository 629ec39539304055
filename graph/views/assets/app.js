(function () {
  "use strict";
  // Every string from the graph reaches the DOM through textContent or vis-network's canvas
  // labels; nothing here builds HTML from data.
  const t0 = performance.now();
  const data = JSON.parse(document.getElementById("speechkg-data").textContent);
  const timing = {start: t0, parsed: performance.now()};
  const E = data.ent, NE = E.label.length, NS = data.speeches.length;
  const FONT = '"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","Microsoft YaHei",sans-serif';
  const el = (tag, text, cls) => { const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const tip = (lines) => { const d = el("div"); lines.forEach((l) => d.appendChild(el("div", l))); return d; };
  const typeOf = (i) => data.typeNames[E.type[i]];
  const iriOf = (i) => (E.id[i].indexOf(":") < 0 ? data.idBase : "") + E.id[i];
  const nid = (i) => "e" + i;
  const UNMENTIONED = !E.mentions.some((m) => m > 0);
  const entOf = (id) => (typeof id === "string" && id[0] === "e" ? Number(id.slice(1)) : -1);

  const state = {drawn: false, settled: false, lang: "zh", showCo: true, showRel: true,
    types: new Set(data.types.filter((t) => data.hidden.indexOf(t) < 0)), from: "", to: "", speech: -1, focus: -1, speechOn: false,
    view: "overview", shown: [], timing};
  const labelOf = (i, lang) => { lang = lang || state.lang;
    return (lang === "en" && E.en[i]) || (lang === "pinyin" && E.py[i]) || E.label[i]; };

  // ---------------------------------------------------------------- selection: speeches, counts, pairs
  function speechDate(k) { return data.speeches[k][1] || ""; }
  function inRange(k) {
    const d = speechDate(k); if (!state.from && !state.to) return true; if (!d) return false;
    const lo = d.length === 4 ? d + "-01-01" : d.length === 7 ? d + "-01" : d;
    const hi = d.length === 4 ? d + "-12-31" : d.length === 7 ? d + "-31" : d;
    return (!state.from || hi >= state.from) && (!state.to || lo <= state.to);
  }
  /** The speeches chosen by the filters, or null for all of them (no filter). */
  function selected() {
    if (state.speech >= 0) return [state.speech];
    if (!state.from && !state.to) return null;
    const out = []; for (let k = 0; k < NS; k++) if (inRange(k)) out.push(k); return out;
  }
  function counts(sel) {
    if (!sel) return E.mentions;
    const c = new Float64Array(NE);
    sel.forEach((k) => data.sents[k].forEach((s) => { for (let j = 1; j < s.length; j++) c[s[j]]++; }));
    return c;
  }
  /** The entities of sentence `s` ([section, entity, …] in text order), each at its first mention. */
  function distinct(s) { const ids = [], seen = new Set();
    for (let j = 1; j < s.length; j++) if (!seen.has(s[j])) { seen.add(s[j]); ids.push(s[j]); }
    return ids; }
  /** Co-mention weights among the entities of `keep` (a Uint8Array mask): key a * NE + b (a < b).
   * Two entities of a sentence are co-mentioned within data.coWindow places of each other (as data.co). */
  function pairs(sel, keep) {
    const w = new Map(), W = data.coWindow;
    if (!sel) {
      const co = data.co;
      for (let k = 0; k < co.length; k += 3) if (keep[co[k]] && keep[co[k + 1]]) w.set(co[k] * NE + co[k + 1], co[k + 2]);
      return w;
    }
    sel.forEach((k) => data.sents[k].forEach((s) => {
      const ids = distinct(s);
      for (let a = 0; a < ids.length; a++) for (let b = a + 1; b < ids.length && b <= a + W; b++) {
        if (!keep[ids[a]] || !keep[ids[b]]) continue;
        const key = Math.min(ids[a], ids[b]) * NE + Math.max(ids[a], ids[b]); w.set(key, (w.get(key) || 0) + 1); }
    }));
    return w;
  }
  /** Entities named with `i` in the same sentences of the selection: Map entity → sentences. */
  function partners(i, sel) {
    const w = new Map();
    if (!sel) {
      const co = data.co;
      for (let k = 0; k < co.length; k += 3) {
        if (co[k] === i) w.set(co[k + 1], co[k + 2]); else if (co[k + 1] === i) w.set(co[k], co[k + 2]); }
      return w;
    }
    const W = data.coWindow;
    sel.forEach((k) => data.sents[k].forEach((s) => {
      if (s.indexOf(i, 1) < 0) return;
      const ids = distinct(s), at = ids.indexOf(i);
      for (let j = Math.max(0, at - W); j < Math.min(ids.length, at + W + 1); j++)
        if (j !== at) w.set(ids[j], (w.get(ids[j]) || 0) + 1);
    }));
    return w;
  }
  function relationsIn(sel) {
    const out = []; const chosen = sel ? new Set(sel) : null;
    data.rel.forEach((r, k) => { if (!chosen || data.relSpeech[k].some((s) => chosen.has(s))) out.push(k); });
    return out;
  }

  // ---------------------------------------------------------------- label boxes and the cloud layout
  const measure = document.createElement("canvas").getContext("2d");
  // a label longer than MAX_EM ems is cut (the whole name is in its tooltip and the panel); Latin
  // letters are about half an em wide, so a label without Chinese characters gets twice as many ems
  const MARGIN = 3, GAP = 2, MAX_EM = 12, LATIN_EM = 2;
  const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;
  let measured = 0;
  const widths = new Map();
  function textWidth(label, size) {
    const key = size + "|" + label; let w = widths.get(key);
    if (w === undefined) { if (measured !== size) { measure.font = size + "px " + FONT; measured = size; }
      w = measure.measureText(label).width; widths.set(key, w); }
    return w;
  }
  /** The box vis-network draws for a label (shape "box": the text and its margin). */
  function box(label, size) { return {w: Math.ceil(textWidth(label, size)) + 2 * MARGIN, h: size + 2 * MARGIN}; }
  /** A label cut to `em` ems, with an ellipsis (the whole name is in the tooltip and the panel). */
  function short(label, size, em) {
    em = (em || MAX_EM) * (CJK.test(label) ? 1 : LATIN_EM);
    if (textWidth(label, size) <= em * size) return label;
    let lo = 1, hi = label.length;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (textWidth(label.slice(0, mid) + "…", size) <= em * size) lo = mid; else hi = mid - 1; }
    return label.slice(0, lo) + "…";
  }
  /** Places boxes in `order`, each at the free spot nearest its anchor (the weighted centre of its
   * placed neighbours, else the middle), searched along an elliptic spiral shaped like the canvas:
   * labels never overlap and the cloud stays compact, so they stay large at the zoom that fits all. */
  function cloud(order, boxes, anchor, keepAnchors) {
    const g = document.getElementById("graph");
    const ar = Math.max(0.5, Math.min(3, (g.clientWidth || 4) / (g.clientHeight || 3)));
    const cell = 64, grid = new Map(), placed = new Map(), K = 1 << 16;
    const free = (x, y, w, h) => {
      const x0 = Math.floor((x - (w + GAP) / 2) / cell), x1 = Math.floor((x + (w + GAP) / 2) / cell);
      const y0 = Math.floor((y - (h + GAP) / 2) / cell), y1 = Math.floor((y + (h + GAP) / 2) / cell);
      for (let cx = x0; cx <= x1; cx++) for (let cy = y0; cy <= y1; cy++) {
        const list = grid.get(cx * K + cy); if (!list) continue;
        for (let k = 0; k < list.length; k++) { const o = list[k];
          if (Math.abs(o.x - x) * 2 < o.w + w + GAP && Math.abs(o.y - y) * 2 < o.h + h + GAP) return false; } }
      return true; };
    const add = (item) => {
      for (let cx = Math.floor((item.x - item.w / 2) / cell); cx <= Math.floor((item.x + item.w / 2) / cell); cx++)
        for (let cy = Math.floor((item.y - item.h / 2) / cell); cy <= Math.floor((item.y + item.h / 2) / cell); cy++) {
          const key = cx * K + cy; if (!grid.has(key)) grid.set(key, []); grid.get(key).push(item); } };
    let filled = 0;
    order.forEach((i) => {
      const b = boxes.get(i), a = anchor(i, placed) || {x: 0, y: 0};
      // an anchor beyond the rim of the cloud so far is drawn in to it (same direction): a chain of
      // neighbours then winds round the cloud instead of trailing away from it
      const rim = Math.sqrt(filled / Math.PI), d = Math.hypot(a.x / Math.sqrt(ar), a.y * Math.sqrt(ar));
      if (d > rim && !keepAnchors) { a.x *= rim / d; a.y *= rim / d; }
      filled += (b.w + GAP) * (b.h + GAP);
      const p = nearestFree(a, b, free, ar);
      const item = {x: p.x, y: p.y, w: b.w, h: b.h}; placed.set(i, item); add(item);
    });
    return placed;
  }
  /** Font sizes by rank: the first few large, most at the smallest, so the cloud stays dense. */
  /** The free spot for box `b` nearest `a`, along an elliptic spiral around it. */
  function nearestFree(a, b, free, ar) {
    const sx = Math.sqrt(ar), sy = 1 / sx;
    let x = Math.round(a.x), y = Math.round(a.y);
    for (let t = 0; !free(x, y, b.w, b.h); t += Math.min(0.35, 6 / (1 + 2 * t))) {
      x = Math.round(a.x + 2.2 * t * Math.cos(t) * sx); y = Math.round(a.y + 2.2 * t * Math.sin(t) * sy); }
    return {x, y};
  }
  function fontSize(rank, n) { return Math.round(2 * (12 + 10 * Math.pow(1 - rank / Math.max(n, 1), 4))) / 2; }
  function tint(hex, f) {
    const n = parseInt(hex.slice(1), 16), mix = (v) => Math.round(v + (255 - v) * f);
    return "rgb(" + mix(n >> 16) + "," + mix((n >> 8) & 255) + "," + mix(n & 255) + ")"; }
  function boxItem(i, c, size, p, em) {
    const col = data.colors[typeOf(i)];
    return {id: nid(i), label: short(labelOf(i), size, em), shape: "box", x: p.x, y: p.y, margin: MARGIN, borderWidth: 1,
      font: {size: size, face: FONT, color: "#1a1a1a"}, fixed: true,
      color: {background: tint(col, 0.78), border: col, highlight: {background: tint(col, 0.5), border: "#111"},
        hover: {background: tint(col, 0.6), border: col}},
      title: tip([data.typeLabels[typeOf(i)] + "：" + labelOf(i), "mentions " + c])};
  }

  // ---------------------------------------------------------------- the network
  const nodes = new vis.DataSet([]), edges = new vis.DataSet([]);
  const options = {
    physics: data.physics ? {enabled: true, solver: "forceAtlas2Based",
      stabilization: {enabled: true, iterations: 400, updateInterval: 50}} : {enabled: false},
    layout: {improvedLayout: data.physics && NE < 150, randomSeed: 7},
    nodes: {font: {size: 14, face: FONT}, borderWidth: 1},
    edges: {font: {size: 10, align: "middle", face: FONT}, smooth: false, color: {color: "#bbb", highlight: "#555"}},
    interaction: {hover: true, tooltipDelay: 150, hideEdgesOnDrag: true}};
  const status = document.getElementById("status");
  let network = null;
  const fullPos = new Map(); // full mode: positions of the first layout, kept across redraws

  function coEdges(w, keep, perNode) {
    // each entity's `perNode` strongest co-mentions among those shown
    const best = new Map();
    w.forEach((n, key) => { const a = Math.floor(key / NE), b = key % NE;
      [a, b].forEach((x) => { if (!best.has(x)) best.set(x, []); best.get(x).push([n, key]); }); });
    const chosen = new Set();
    best.forEach((list) => { list.sort((p, q) => q[0] - p[0] || p[1] - q[1]);
      list.slice(0, perNode).forEach((p) => chosen.add(p[1])); });
    return Array.from(chosen).sort((p, q) => p - q).map((key) => {
      const a = Math.floor(key / NE), b = key % NE, n = w.get(key);
      return {id: "c" + a + "_" + b, from: nid(a), to: nid(b), kind: "co", weight: n,
        width: Math.min(6, 0.6 + Math.log2(n)), color: {color: "rgba(120,120,120,0.35)", highlight: "#c33"},
        title: tip(["同句共现 co-mentioned in " + n + " sentence(s)"])}; });
  }
  function relEdge(k, withLabel) {
    const r = data.rel[k], lab = data.relLabels[r[1]];
    return {id: "r" + k, from: nid(r[0]), to: nid(r[2]), kind: "rel", arrows: "to",
      label: withLabel ? (state.lang === "zh" ? lab.zh : lab.en) : undefined,
      color: {color: "#6a8caf", highlight: "#234"}, width: 1.5, title: tip([lab.zh + " / " + lab.en])};
  }

  /** Recomputes the nodes and edges the current view shows, from the filters and the embedded data. */
  function redraw() {
    const sel = selected(), c = counts(sel);
    if (state.focus >= 0) return drawFocus(sel, c);
    state.view = "overview";
    // a graph without mentions (a CONSTRUCT result, another tool's graph) opens on the most related
    const byDegree = !sel && UNMENTIONED, rank = byDegree ? E.degree : c;
    let shown = [];
    for (let i = 0; i < NE; i++)
      if (state.types.has(typeOf(i)) && (c[i] > 0 || (!sel && (data.mode === "full" || byDegree)))) shown.push(i);
    shown.sort((a, b) => rank[b] - rank[a] || a - b);
    if (data.mode === "overview") shown = shown.slice(0, data.maxNodes);
    const keep = new Uint8Array(NE); shown.forEach((i) => { keep[i] = 1; });
    timing.redraw = performance.now();
    const co = state.showCo ? coEdges(pairs(sel, keep), keep, data.coPerNode) : [];
    const rel = state.showRel ? relationsIn(sel).filter((k) => keep[data.rel[k][0]] && keep[data.rel[k][2]]) : [];
    let items;
    if (data.mode === "full") {
      items = shown.map((i) => { const p = fullPos.get(i) || {x: E.x ? E.x[i] : undefined, y: E.y ? E.y[i] : undefined};
        const col = data.colors[typeOf(i)];
        return {id: nid(i), label: labelOf(i), shape: data.shapes[typeOf(i)], size: E.size[i], x: p.x, y: p.y,
          color: {background: col, border: col}, font: {color: data.shapes[typeOf(i)] === "box" ? "#fff" : "#222"},
          title: tip([typeOf(i) + "：" + labelOf(i), "mentions " + c[i]])}; });
    } else {
      const sizes = new Map(), boxes = new Map();
      shown.forEach((i, r) => { sizes.set(i, fontSize(r, shown.length)); boxes.set(i, box(short(labelOf(i), sizes.get(i)), sizes.get(i))); });
      const adj = new Map();
      const link = (a, b, w) => { if (!adj.has(a)) adj.set(a, []); adj.get(a).push([b, w]); };
      co.forEach((e) => { link(entOf(e.from), entOf(e.to), e.weight); link(entOf(e.to), entOf(e.from), e.weight); });
      rel.forEach((k) => { const r = data.rel[k]; link(r[0], r[2], 2); link(r[2], r[0], 2); });
      timing.boxes = performance.now();
      const pos = cloud(shown, boxes, (i, placed) => {
        let x = 0, y = 0, n = 0;
        (adj.get(i) || []).filter((p) => placed.has(p[0])).sort((p, q) => q[1] - p[1] || p[0] - q[0]).slice(0, 3)
          .forEach((p) => { const o = placed.get(p[0]); x += o.x * p[1]; y += o.y * p[1]; n += p[1]; });
        return n ? {x: x / n, y: y / n} : null; });
      timing.cloud = performance.now();
      items = shown.map((i) => boxItem(i, c[i], sizes.get(i), pos.get(i)));
    }
    show(items, co.concat(rel.map((k) => relEdge(k, data.mode === "full"))));
    state.shown = shown;
    const nSel = sel ? sel.length : NS;
    status.textContent = (sel ? nSel + " / " + NS + " speeches · " : "") + shown.length + " / " + NE + " entities, "
      + rel.length + " relations, " + co.length + " co-mentions" + (byDegree ? " · 无提及 no mentions: by relations" : "");
  }

  function drawFocus(sel, c) {
    const i = state.focus, keepAll = new Uint8Array(NE).fill(1);
    state.view = "focus";
    const near = Array.from(partners(i, sel)).filter((p) => state.types.has(typeOf(p[0])))
      .sort((p, q) => q[1] - p[1] || p[0] - q[0]).slice(0, data.neighbours);
    const rel = relationsIn(sel).filter((k) => data.rel[k][0] === i || data.rel[k][2] === i);
    const order = [i], seen = new Set([i]);
    rel.forEach((k) => { const r = data.rel[k], o = r[0] === i ? r[2] : r[0]; if (!seen.has(o)) { seen.add(o); order.push(o); } });
    near.forEach((p) => { if (!seen.has(p[0])) { seen.add(p[0]); order.push(p[0]); } });
    const keep = new Uint8Array(NE); order.forEach((x) => { keep[x] = 1; });
    const weight = new Map(near);
    const sizes = new Map(order.map((x, k) => [x, k === 0 ? 24 : 15])), boxes = new Map();
    const FOCUS_EM = 30;
    order.forEach((x) => boxes.set(x, box(short(labelOf(x), sizes.get(x), FOCUS_EM), sizes.get(x))));
    // the neighbours on a ring around the entity (each at the free spot nearest its place on it),
    // far enough out that the edges and their counts show between them
    const g = document.getElementById("graph"), ar = Math.max(0.5, Math.min(3, (g.clientWidth || 4) / (g.clientHeight || 3)));
    const rest = order.slice(1), mid = boxes.get(i);
    const around = rest.reduce((s, x) => s + boxes.get(x).w + 2 * GAP, 0);
    const wide = Math.max(0, ...rest.map((x) => boxes.get(x).w)), high = Math.max(0, ...rest.map((x) => boxes.get(x).h));
    let rx = Math.max(mid.w / 2 + wide / 2 + 50, 120 * Math.sqrt(ar)), ry = Math.max(mid.h / 2 + high / 2 + 70, 120 / Math.sqrt(ar));
    const grow = Math.max(1, 0.9 * around / (2 * Math.PI * Math.sqrt((rx * rx + ry * ry) / 2)));
    rx *= grow; ry *= grow;
    const ring = new Map(rest.map((x, k) => { const a = -Math.PI / 2 + 2 * Math.PI * k / rest.length;
      return [x, {x: rx * Math.cos(a), y: ry * Math.sin(a)}]; }));
    const pos = cloud(order, boxes, (x) => ring.get(x) || null, true);
    const items = order.map((x) => boxItem(x, c[x], sizes.get(x), pos.get(x), FOCUS_EM));
    const out = [];
    if (state.showCo) near.forEach((p) => { const a = Math.min(i, p[0]), b = Math.max(i, p[0]);
      out.push({id: "c" + a + "_" + b, from: nid(i), to: nid(p[0]), kind: "co", weight: p[1], label: String(p[1]),
        width: Math.min(6, 0.6 + Math.log2(p[1])), color: {color: "rgba(120,120,120,0.45)", highlight: "#c33"},
        font: {size: 11, color: "#555", strokeWidth: 3, align: "horizontal"}, title: tip(["同句共现 co-mentioned in " + p[1] + " sentence(s)"])}); });
    if (state.showRel) rel.forEach((k) => out.push(relEdge(k, true)));
    show(items, out);
    network.selectNodes([nid(i)]);
    showNode(i, c, near, rel, weight, keepAll);
    status.textContent = labelOf(i) + " · " + near.length + " co-mentioned, " + rel.length + " relations"
      + (sel ? " · " + sel.length + " / " + NS + " speeches" : "");
  }

  function show(items, edgeItems) {
    if (data.mode === "full" && state.view === "overview" && network) network.setOptions({physics: {enabled: false}});
    edges.clear(); nodes.clear(); nodes.add(items); edges.add(edgeItems);
    if (state.speechOn) addSpeeches();
    fit();
  }
  /** Zooms so that every node shows with its whole label, PAD pixels from the edges (vis-network's
   * own fit centres the nodes, not their labels, which a long one then runs past the edge). */
  const PAD = 12;
  function fit() {
    const ids = nodes.getIds(); if (!ids.length || !network) return;
    network.redraw();  // the boxes of nodes added or relabelled since the last drawing
    let l = Infinity, r = -Infinity, t = Infinity, b = -Infinity;
    ids.forEach((id) => { const bb = network.getBoundingBox(id); if (!bb) return;
      l = Math.min(l, bb.left); r = Math.max(r, bb.right); t = Math.min(t, bb.top); b = Math.max(b, bb.bottom); });
    const g = document.getElementById("graph");
    const w = Math.max(g.clientWidth - 2 * PAD, 1), h = Math.max(g.clientHeight - 2 * PAD, 1);
    const scale = Math.min(1.6, w / ((r - l) || 1), h / ((b - t) || 1));
    network.moveTo({position: {x: (l + r) / 2, y: (t + b) / 2}, scale: scale, animation: false});
  }

  // ---------------------------------------------------------------- the panel
  const panel = document.getElementById("panel");
  function link(text, i) { const a = el("a", text); a.href = "#"; a.dataset.entity = String(i);
    a.addEventListener("click", (ev) => { ev.preventDefault(); focus(i); }); return a; }
  function showNode(i, c, near, rel) {
    panel.replaceChildren();
    panel.appendChild(el("h2", labelOf(i)));
    const names = [["zh", E.label[i]], ["en", E.en[i]], ["pinyin", E.py[i]]].filter((x) => x[1] && x[1] !== labelOf(i));
    if (names.length) panel.appendChild(el("p", names.map((x) => x[1]).join(" · "), "names"));
    panel.appendChild(el("p", (data.typeLabels[typeOf(i)] || typeOf(i)) + " · mentions " + (c ? c[i] : E.mentions[i]),
      "muted"));
    if (E.aliases[i].length) panel.appendChild(el("p", "别名 aliases：" + E.aliases[i].join("、")));
    if (rel && rel.length) {
      panel.appendChild(el("h3", "关系 relations"));
      const ul = el("ul");
      rel.forEach((k) => { const r = data.rel[k], lab = data.relLabels[r[1]], li = el("li");
        li.appendChild(link(labelOf(r[0]), r[0])); li.appendChild(document.createTextNode(" —" + lab.zh + " " + lab.en + "→ "));
        li.appendChild(link(labelOf(r[2]), r[2])); ul.appendChild(li); });
      panel.appendChild(ul);
    }
    if (near && near.length) {
      panel.appendChild(el("h3", "同句共现 co-mentioned with"));
      const ol = el("ol", undefined, "co");
      near.forEach((p) => { const li = el("li"); li.appendChild(link(labelOf(p[0]), p[0]));
        li.appendChild(el("span", " " + p[1], "muted")); ol.appendChild(li); });
      panel.appendChild(ol);
    }
    const sents = E.sent[i];
    if (sents.length) {
      panel.appendChild(el("h3", "来源句子 sentences"));
      const ul = el("ul");
      sents.forEach((s) => { const text = data.texts[s[0]], li = el("li");
        li.appendChild(document.createTextNode(text.slice(0, s[1])));
        li.appendChild(el("mark", text.slice(s[1], s[2])));
        li.appendChild(document.createTextNode(text.slice(s[2])));
        ul.appendChild(li); });
      panel.appendChild(ul);
    }
  }
  function showEdge(id) {
    panel.replaceChildren();
    if (id[0] === "r") {
      const r = data.rel[Number(id.slice(1))], lab = data.relLabels[r[1]];
      panel.appendChild(el("h2", lab.zh + " · " + lab.en));
      panel.appendChild(el("p", labelOf(r[0]) + " → " + labelOf(r[2]), "muted"));
      if (r[3] >= 0) { panel.appendChild(el("h3", "依据 evidence")); panel.appendChild(el("p", data.texts[r[3]])); }
    } else if (id[0] === "c") {
      const e = edges.get(id), ab = id.slice(1).split("_").map(Number);
      panel.appendChild(el("h2", "同句共现 · co-mention"));
      panel.appendChild(el("p", labelOf(ab[0]) + " — " + labelOf(ab[1]), "muted"));
      panel.appendChild(el("p", "同一句中出现 " + e.weight + " 次 · named in the same sentence " + e.weight + " time(s)"));
    }
  }

  // ---------------------------------------------------------------- search and focus
  const norm = (s) => s.toLowerCase().replace(/\s+/g, " ").trim();
  let index = null;
  function names(i) { return [E.label[i], E.en[i], E.py[i]].concat(E.aliases[i]).filter(Boolean).map(norm); }
  /** Every entity's names, normalised: built at the first search or keystroke. */
  function nameIndex() { if (!index) { index = []; for (let i = 0; i < NE; i++) index.push(names(i)); } return index; }
  function find(q) {
    q = norm(q); if (!q) return -1;
    const index = nameIndex();
    for (let i = 0; i < NE; i++) if (index[i].indexOf(q) >= 0) return i;
    for (let i = 0; i < NE; i++) if (index[i].some((l) => l.includes(q))) return i;
    return -1;
  }
  function focus(i) { state.focus = i; redraw(); return iriOf(i); }
  function search(q) {
    const i = find(q); if (i < 0) { status.textContent = "未找到 not found: " + q; return null; }
    return focus(i);
  }
  function overview() { state.focus = -1; redraw(); }
  const box_ = document.getElementById("search"), list = document.getElementById("names");
  box_.addEventListener("keydown", (ev) => { if (ev.key === "Enter") search(ev.target.value); });
  box_.addEventListener("input", () => {
    const q = norm(box_.value); list.replaceChildren(); if (!q) return;
    const index = nameIndex();
    let n = 0;
    for (let i = 0; i < NE && n < 12; i++) if (index[i].some((l) => l.includes(q))) {
      const o = el("option"); o.value = labelOf(i); list.appendChild(o); n++; }
  });
  document.getElementById("overview").addEventListener("click", overview);

  // ---------------------------------------------------------------- filters and switches
  const types = document.getElementById("types");
  function setType(t, visible) { if (visible) state.types.add(t); else state.types.delete(t); redraw(); }
  data.types.forEach((t) => { const lab = el("label"); const b = el("input"); b.type = "checkbox";
    b.checked = state.types.has(t); b.dataset.type = t; b.addEventListener("change", () => setType(t, b.checked));
    const sw = el("i"); sw.style.background = data.colors[t];
    lab.appendChild(b); lab.appendChild(sw); lab.appendChild(document.createTextNode(data.typeLabels[t] || t));
    types.appendChild(lab); });
  const from = document.getElementById("from"), to = document.getElementById("to"), pick = document.getElementById("speech");
  const dates = data.speeches.map((s) => s[1]).filter(Boolean).sort();
  if (dates.length) { [from, to].forEach((x) => { x.min = dates[0].slice(0, 4) + "-01-01";
    x.max = dates[dates.length - 1].slice(0, 4) + "-12-31"; }); }
  let listed = null; // the date range the list of speeches was filled for
  /** The list of speeches of the date range: filled when first opened, since a corpus has thousands. */
  function fillSpeeches() {
    const range = state.from + "|" + state.to; if (listed === range) return; listed = range;
    const keepValue = String(state.speech);
    pick.replaceChildren(el("option", "全部讲话 all speeches (" + NS + ")"));
    pick.firstChild.value = "-1";
    for (let k = 0; k < NS; k++) if (inRange(k)) {
      const o = el("option", (speechDate(k) ? speechDate(k) + " " : "") + data.speeches[k][2]); o.value = String(k);
      pick.appendChild(o); }
    pick.value = keepValue; if (pick.value !== keepValue) { pick.value = "-1"; state.speech = -1; }
  }
  pick.appendChild(el("option", "全部讲话 all speeches (" + NS + ")")); pick.firstChild.value = "-1";
  ["focus", "mousedown", "keydown"].forEach((ev) => pick.addEventListener(ev, fillSpeeches));
  function setDates(a, b) { state.from = a || ""; state.to = b || ""; from.value = state.from; to.value = state.to;
    if (state.speech >= 0 && !inRange(state.speech)) state.speech = -1;
    if (document.activeElement === pick) fillSpeeches(); else listed = null;
    pick.value = String(state.speech); redraw(); }
  function setSpeech(k) { state.speech = k; if (k >= 0) fillSpeeches(); pick.value = String(k); redraw(); }
  from.addEventListener("change", () => setDates(from.value, to.value));
  to.addEventListener("change", () => setDates(from.value, to.value));
  pick.addEventListener("change", () => setSpeech(Number(pick.value)));
  function setLang(l) { state.lang = l; document.getElementById("lang").value = l; redraw(); }
  document.getElementById("lang").addEventListener("change", (ev) => setLang(ev.target.value));
  function setCo(on) { state.showCo = on; document.getElementById("co-toggle").checked = on; redraw(); }
  function setRel(on) { state.showRel = on; document.getElementById("rel-toggle").checked = on; redraw(); }
  document.getElementById("co-toggle").addEventListener("change", (ev) => setCo(ev.target.checked));
  document.getElementById("rel-toggle").addEventListener("change", (ev) => setRel(ev.target.checked));

  // speech and section nodes, with an edge from each shown entity to where it is mentioned
  const MAX_SPEECHES = 200;
  function addSpeeches() {
    const shown = new Set(nodes.getIds().map(entOf).filter((i) => i >= 0)), sel = selected();
    const ks = (sel || Array.from({length: NS}, (_, k) => k)), items = [], links = [], secs = new Set();
    let n = 0;
    for (const k of ks) {
      const here = new Set();
      data.sents[k].forEach((s) => { for (let j = 1; j < s.length; j++) if (shown.has(s[j])) {
        here.add(s[0] >= 0 ? "c" + s[0] + ":" + s[j] : "s" + k + ":" + s[j]); if (s[0] >= 0) secs.add(s[0]); } });
      if (data.mode === "overview" && !here.size) continue;
      if (++n > MAX_SPEECHES) break;
      items.push({id: "s" + k, label: data.speeches[k][2], shape: "database", color: {background: "#eee", border: "#222"},
        font: {color: "#222"}});
      here.forEach((x) => { const p = x.split(":"); links.push({id: "m" + x, from: nid(Number(p[1])), to: p[0]}); });
    }
    const keptSpeech = new Set(items.map((x) => x.id));
    data.sections.forEach((s, k) => {
      const parent = s[2] === null ? null : s[2] >= 0 ? "c" + s[2] : "s" + (-1 - s[2]);
      if (data.mode === "overview" && !secs.has(k)) return;
      if (parent && parent[0] === "s" && !keptSpeech.has(parent)) return;
      items.push({id: "c" + k, label: s[1], shape: "text", color: {background: "#eee", border: "#999"}, font: {color: "#222"}});
      if (parent) links.push({id: "p" + k, from: "c" + k, to: parent});
    });
    const ids = new Set(items.map((x) => x.id).concat(nodes.getIds()));
    nodes.update(items);
    edges.update(links.filter((e) => ids.has(e.from) && ids.has(e.to))
      .map((e) => Object.assign(e, {dashes: true, color: {color: "#ddd"}})));
  }
  function setSpeechNodes(on) {
    state.speechOn = on;
    if (on) addSpeeches();
    else { edges.remove(edges.getIds().filter((id) => id[0] === "m" || id[0] === "p"));
      nodes.remove(nodes.getIds().filter((id) => id[0] === "s" || id[0] === "c")); }
  }
  document.getElementById("speech-toggle").addEventListener("change", (ev) => setSpeechNodes(ev.target.checked));

  // ---------------------------------------------------------------- start
  redraw();  // fills the data sets: the network then starts on them (and stabilizes, with physics)
  timing.laidOut = performance.now();
  network = new vis.Network(document.getElementById("graph"), {}, options);
  const keepPositions = () => { if (data.mode !== "full") return; const pos = network.getPositions();
    Object.keys(pos).forEach((id) => { if (entOf(id) >= 0) fullPos.set(entOf(id), pos[id]); }); };
  network.once("afterDrawing", () => { state.drawn = true; state.drawnAt = performance.now();
    if (!data.physics) { state.settled = true; state.settledAt = state.drawnAt; } });
  network.once("stabilizationIterationsDone", () => {
    network.setOptions({physics: {enabled: false}}); keepPositions(); fit();
    state.settled = true; state.settledAt = performance.now(); });
  network.setData({nodes, edges});
  timing.set = performance.now();
  if (!data.physics) { keepPositions(); fit(); }
  network.on("click", (p) => {
    if (p.nodes.length && entOf(p.nodes[0]) >= 0) { const i = entOf(p.nodes[0]);
      if (state.view === "focus" && i !== state.focus) return focus(i);
      const sel = selected(), near = Array.from(partners(i, sel)).sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, data.neighbours);
      showNode(i, counts(sel), near, relationsIn(sel).filter((k) => data.rel[k][0] === i || data.rel[k][2] === i)); }
    else if (p.edges.length) showEdge(p.edges[0]); });
  let refit = 0;  // one fit a frame while the window is being resized
  window.addEventListener("resize", () => { if (state.settled && !refit) refit = requestAnimationFrame(() => { refit = 0; fit(); }); });
  network.on("doubleClick", (p) => { if (p.nodes.length && entOf(p.nodes[0]) >= 0) focus(entOf(p.nodes[0])); });

  window.speechkg = {network, nodes, edges, state, search, focus, overview, setType, setSpeech: setSpeechNodes,
    setDates, selectSpeech: setSpeech, setLang, setCo, setRel, labelOf, iriOf,
    drawnCount: () => network.body.nodeIndices.length};
})();
