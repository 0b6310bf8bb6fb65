// The dnsplane live console. Plain JS and SVG, no library: it polls /ui/api/state and the
// selected endpoint's /ui/api/timeline every second and updates the DOM in place (a cell's text is
// written only when it changed), so a long-open page stays cheap.
"use strict";

(function () {
  const POLL_MS = 1000;
  // Typing in the filter asks once the typing pauses, not per key.
  const FILTER_DEBOUNCE_MS = 300;
  const SVG = "http://www.w3.org/2000/svg";
  const TOKEN_KEY = "dnsplane.console.token";
  // Dash patterns tell the series apart without colour.
  const PALETTE = ["#0969da", "#8250df", "#bf3989", "#1a7f37", "#9a6700", "#0a3069"];
  const DASHES = ["", "6 3", "2 3", "10 3 2 3", "1 2", "12 4"];
  const EVENT_MARK = {
    write: "W", unpublish: "U", stale_skip: "S", cleanup_clear: "C", cleanup_delete: "D",
    cleanup_keep_referenced: "K", guard_refused: "G", stuck: "!", repair: "R", mode: "M",
    delay_wait: "d", verify_alarm: "V", empty_rejected: "E", empty_family_rejected: "F",
    invalid_entry: "I", no_zone: "Z",
  };
  const BAD_EVENTS = new Set(["stuck", "cleanup_clear", "verify_alarm", "guard_refused"]);

  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const svg = (tag, attrs, text) => {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };
  const setAttr = (node, name, value) => {
    const v = String(value);
    if (node.getAttribute(name) !== v) node.setAttribute(name, v);
  };
  const show = (v) => (v === null || v === undefined ? "–" : String(v));
  const time = (iso) => new Date(iso).toLocaleTimeString([], { hour12: false });

  let state = null;
  let selected = null;
  let columnsKey = "";
  let timelineData = null;
  let filter = "";
  let stateTimer = null;
  let stateSeq = 0;

  // ---- connection and token ------------------------------------------------------------------

  function connection(ok, detail) {
    const c = $("#connection");
    setAttr(c, "data-state", ok ? "ok" : "lost");
    setText(c, ok ? "live" : "connection to the planner lost — retrying");
    c.title = detail || "";
  }

  function token() {
    return $("#token").value.trim();
  }

  function headers(json) {
    const h = { Accept: "application/json" };
    if (json) h["Content-Type"] = "application/json";
    const t = token();
    if (t) h.Authorization = "Bearer " + t;
    return h;
  }

  async function getJson(url) {
    const r = await fetch(url, { cache: "no-store", headers: headers(false) });
    const body = await r.json().catch(() => ({ error: "not JSON (" + r.status + ")" }));
    if (!r.ok) throw Object.assign(new Error(body.error || "HTTP " + r.status), { status: r.status });
    return body;
  }

  // ---- polling ---------------------------------------------------------------------------------

  // The planner sends only the endpoints this page shows (the filter's first ones and the selected
  // one), so a poll stays small however many endpoints exist.
  function stateUrl() {
    let url = "/ui/api/state?q=" + encodeURIComponent(filter);
    if (selected) url += "&selected=" + encodeURIComponent(selected);
    return url;
  }

  async function pollState() {
    const mine = ++stateSeq;
    clearTimeout(stateTimer);
    try {
      const next = await getJson(stateUrl());
      // A newer poll (the filter changed meanwhile) owns the page now.
      if (mine !== stateSeq) return;
      state = next;
      connection(true, state.error || "");
      const dataError = $("#data-error");
      dataError.hidden = !state.error;
      setText(dataError, state.error ? "the planner answers, but " + state.error : "");
      render();
    } catch (e) {
      if (e.status) {
        connection(true, e.message);
      } else {
        connection(false, e.message);
      }
    } finally {
      if (mine === stateSeq) stateTimer = setTimeout(pollState, POLL_MS);
    }
  }

  async function pollTimeline() {
    try {
      if (selected) {
        const minutes = $("#timeline-minutes").value;
        const name = selected;
        const data = await getJson(
          "/ui/api/timeline?endpoint=" + encodeURIComponent(name) + "&minutes=" + minutes);
        if (name === selected) {
          timelineData = data;
          renderTimeline();
        }
      }
    } catch (e) {
      if (!e.status) connection(false, e.message);
    } finally {
      setTimeout(pollTimeline, POLL_MS);
    }
  }

  // ---- rendering: endpoints table --------------------------------------------------------------

  function answerText(a) {
    if (!a) return "–";
    if (!a.status) return "NO ANSWER";
    let t = a.status + " " + a.count;
    if (a.status === "NOERROR" && a.count === 0) t += " EMPTY";
    if (a.stale) t += " STALE";
    return t;
  }

  function render() {
    const enactorAzs = state.enactors.map((e) => e.az);
    const servers = state.servers.map((s) => s.name);
    const key = enactorAzs.join(",") + "|" + servers.join(",");
    const table = $("#endpoints");
    if (key !== columnsKey) {
      columnsKey = key;
      const head = table.tHead.rows[0];
      head.replaceChildren(el("th", { scope: "col" }, "Endpoint"), el("th", { scope: "col" }, "Plan"));
      for (const az of enactorAzs) head.append(el("th", { scope: "col" }, "applied " + az));
      head.append(el("th", { scope: "col" }, "rrsets"));
      for (const s of state.servers) head.append(el("th", { scope: "col" }, s.name + " (" + s.kind + ")"));
      table.tBodies[0].replaceChildren();
    }
    const body = table.tBodies[0];
    const rows = new Map();
    for (const tr of body.rows) rows.set(tr.dataset.endpoint, tr);
    const names = state.endpoints.map((e) => e.name);
    if (!selected || !names.includes(selected)) {
      selected = names.length ? names[0] : null;
    }
    let index = 0;
    for (const ep of state.endpoints) {
      let tr = rows.get(ep.name);
      if (!tr) {
        tr = el("tr", { "data-endpoint": ep.name, tabindex: "0" });
        tr.append(el("th", { scope: "row" }, ep.name), el("td", { "data-col": "plan" }));
        for (const az of enactorAzs) tr.append(el("td", { "data-col": "applied-" + az }));
        tr.append(el("td", { "data-col": "rrset" }));
        for (const s of servers) tr.append(el("td", { "data-col": "answer-" + s }));
      }
      rows.delete(ep.name);
      if (body.rows[index] !== tr) body.insertBefore(tr, body.rows[index] || null);
      index++;
      setAttr(tr, "aria-selected", ep.name === selected);
      const planGen = ep.plan.generation;
      setText(tr.querySelector('td[data-col="plan"]'), show(planGen));
      const failOpen = ep.plan.failOpenFamilies.length ? " (FAIL-OPEN " + ep.plan.failOpenFamilies.join(",") + ")" : "";
      const held = ep.plan.entries.some((a) => a.velocityHeld) ? " (VELOCITY HOLD)" : "";
      setText(tr.cells[0], ep.name + failOpen + held);
      for (const az of enactorAzs) {
        const td = tr.querySelector('td[data-col="applied-' + CSS.escape(az) + '"]');
        const g = ep.applied[az];
        setText(td, show(g));
        setAttr(td, "data-lag", g !== undefined && planGen !== null && g < planGen);
      }
      setText(tr.querySelector('td[data-col="rrset"]'), show(ep.rrsetGeneration));
      for (const s of servers) {
        const td = tr.querySelector('td[data-col="answer-' + CSS.escape(s) + '"]');
        const a = ep.answers[s];
        setText(td, answerText(a));
        setAttr(td, "data-status", a && a.status ? a.status : "");
        setAttr(td, "data-count", a ? a.count : "");
        setAttr(td, "data-plan-generation", a && a.planGeneration !== null ? a.planGeneration : "");
        setAttr(td, "data-stale", !!(a && a.stale));
        setAttr(td, "data-empty", !!(a && a.status === "NOERROR" && a.count === 0));
        setAttr(td, "data-error", !!(a && a.error));
        const tip = a ? (a.addresses.join(" ") + (a.planGeneration !== null ? "  _plan " + a.planGeneration : "") +
          (a.ede.length ? "  EDE " + a.ede.join(",") : "") + (a.error ? "  " + a.error : "")) : "not probed";
        if (td.title !== tip) td.title = tip;
      }
    }
    for (const tr of rows.values()) tr.remove();
    renderCount();
    renderSelect(names);
    renderEnactors();
    renderDetail();
  }

  function renderCount() {
    const shown = state.endpoints.length;
    let text = "showing " + shown + " of " + state.total + " endpoints";
    if (filter.trim()) {
      text += "; " + (state.matchedMore ? "more than " : "") + state.matched +
        " match “" + filter.trim() + "”";
    }
    setText($("#endpoint-count"), text);
  }

  function renderSelect(names) {
    const sel = $("#endpoint-select");
    const current = Array.from(sel.options).map((o) => o.value);
    if (current.join("\n") !== names.join("\n")) {
      sel.replaceChildren(...names.map((n) => el("option", { value: n }, n)));
    }
    if (selected && sel.value !== selected) sel.value = selected;
  }

  function select(name) {
    if (!name || name === selected) return;
    selected = name;
    timelineData = null;
    renderTimeline();
    if (state) render();
  }

  // ---- rendering: enactors ---------------------------------------------------------------------

  function enactorCard(az) {
    const card = el("article", { class: "enactor", "data-az": az, "aria-label": "enactor " + az });
    card.append(el("h3", {}, az));
    const dl = el("dl");
    for (const [field, label] of [["mode", "mode"], ["generation", "applied plan"], ["stuck", "state"],
      ["paused", "loop"], ["faults", "faults"], ["reach", "status from"]]) {
      dl.append(el("dt", {}, label), el("dd", { "data-field": field }));
    }
    card.append(dl);
    const buttons = el("div", { class: "buttons" });
    const b = (action, text, extra) => {
      const btn = el("button", Object.assign({ type: "button", "data-action": action,
        "aria-label": text + " (" + az + ")" }, extra || {}), text);
      buttons.append(btn);
    };
    b("mode", "Mode: safe", { "data-mode": "safe" });
    b("mode", "Mode: legacy", { "data-mode": "legacy" });
    b("pause", "Pause");
    b("resume", "Resume");
    b("delay", "Inject delay…");
    b("clear-faults", "Clear faults");
    b("repair", "Repair selected endpoint");
    card.append(buttons);
    return card;
  }

  function renderEnactors() {
    const box = $("#enactors");
    const cards = new Map();
    for (const c of box.children) cards.set(c.dataset.az, c);
    state.enactors.forEach((e, i) => {
      let card = cards.get(e.az);
      if (!card) card = enactorCard(e.az);
      cards.delete(e.az);
      if (box.children[i] !== card) box.insertBefore(card, box.children[i] || null);
      setAttr(card, "data-reachable", e.reachable);
      const f = (name) => card.querySelector('[data-field="' + name + '"]');
      setText(f("mode"), show(e.mode));
      setText(f("generation"), show(e.lastAppliedGeneration));
      setText(f("stuck"), e.stuck ? "stuck: " + (e.stuckReason || "") : "ok");
      setAttr(f("stuck"), "data-stuck", e.stuck);
      setText(f("paused"), e.paused ? "paused" : "running");
      setAttr(f("paused"), "data-paused", e.paused);
      const faults = e.faults.map((x) => "delay " + x.delay + " on " + x.endpoint);
      if (e.waiting) faults.push("waiting on " + e.waiting.endpoint + " with plan " + e.waiting.generation);
      setText(f("faults"), faults.length ? faults.join("; ") : "none");
      setText(f("reach"), e.reachable ? "its API (" + e.url + ")" : "status table" + (e.error ? " — " + e.error : ""));
      for (const btn of card.querySelectorAll("button")) btn.disabled = e.url === null;
    });
    for (const c of cards.values()) c.remove();
  }

  // ---- rendering: detail -----------------------------------------------------------------------

  function renderDetail() {
    const box = $("#detail");
    const ep = state.endpoints.find((e) => e.name === selected);
    if (!ep) {
      if (box.dataset.key !== "none") {
        box.dataset.key = "none";
        box.replaceChildren(el("p", {}, "No endpoint selected."));
      }
      return;
    }
    const key = JSON.stringify([ep.name, ep.plan, ep.guarded]);
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    const parts = [el("h3", {}, ep.name + " — plan " + show(ep.plan.generation) +
      (ep.plan.deleted ? " (deleted)" : "") + (ep.guarded ? " — guarded" : ""))];
    if (ep.plan.failOpenFamilies.length) {
      parts.push(el("p", { class: "flag warn" }, "FAIL-OPEN: " + ep.plan.failOpenFamilies.join(", ") +
        " published although every target of the family is unhealthy"));
    }
    const ul = el("ul", { "aria-label": "targets of " + ep.name });
    for (const a of ep.plan.entries) {
      const li = el("li", { "data-address": a.address });
      li.append(document.createTextNode(a.address + " (" + a.family + ", " + (a.az || "no az") + ", weight " + a.weight + ")"));
      li.append(el("span", { class: "flag " + (a.healthy ? "ok" : "bad") }, a.healthy ? "healthy" : "unhealthy"));
      li.append(el("span", { class: "flag " + (a.published ? "ok" : "warn") }, a.published ? "published" : "not published"));
      if (a.failOpen) li.append(el("span", { class: "flag warn" }, "fail-open"));
      if (a.velocityHeld) li.append(el("span", { class: "flag warn" }, "velocity hold"));
      const report = !a.healthy;
      li.append(document.createTextNode(" "));
      li.append(el("button", {
        type: "button", "data-action": "health", "data-address": a.address, "data-healthy": String(report),
      }, "Report " + (report ? "healthy" : "unhealthy")));
      ul.append(li);
    }
    parts.push(ul);
    box.replaceChildren(...parts);
  }

  // ---- rendering: timeline ---------------------------------------------------------------------

  const W = 960, H = 340, LEFT = 56, RIGHT = 100, TOP = 26, MID = 180, BOTTOM = 310;

  function seriesStyle(i) {
    return { stroke: PALETTE[i % PALETTE.length], dash: DASHES[i % DASHES.length] };
  }

  function stepPath(points) {
    let d = "";
    let prev = null;
    for (const p of points) {
      if (p.y === null) { prev = null; continue; }
      if (prev === null) d += "M" + p.x.toFixed(1) + "," + p.y.toFixed(1);
      else d += "H" + p.x.toFixed(1) + "V" + p.y.toFixed(1);
      prev = p;
    }
    return d;
  }

  function renderTimeline() {
    const root = $("#timeline");
    const frag = document.createDocumentFragment();
    const legend = [];
    const title = svg("title", { id: "timeline-title" });
    frag.append(title);
    if (!selected || !timelineData) {
      title.textContent = "Timeline: " + (selected ? "loading " + selected : "no endpoint selected");
      root.replaceChildren(frag);
      $("#timeline-events").replaceChildren();
      $("#legend").replaceChildren();
      return;
    }
    const d = timelineData;
    const t0 = Date.parse(d.from), t1 = Date.parse(d.to);
    const x = (iso) => LEFT + ((Date.parse(iso) - t0) / Math.max(1, t1 - t0)) * (W - LEFT - RIGHT);
    const azs = state ? state.enactors.map((e) => e.az) : [];
    const servers = state ? state.servers.map((s) => s.name) : [];
    let gens = [];
    let maxCount = 1;
    for (const s of d.samples) {
      if (s.plan !== null) gens.push(s.plan);
      for (const az in s.applied) gens.push(s.applied[az]);
      for (const k in s.answers) maxCount = Math.max(maxCount, s.answers[k].count);
    }
    for (const e of d.events) for (const g of [e.newGeneration, e.previousGeneration]) if (g !== null) gens.push(g);
    const gMin = gens.length ? Math.min(...gens) - 1 : 0;
    const gMax = gens.length ? Math.max(...gens) + 1 : 1;
    const yGen = (g) => (g === null || g === undefined ? null : MID - 10 - ((g - gMin) / Math.max(1, gMax - gMin)) * (MID - 10 - TOP));
    const yCount = (c) => (c === null || c === undefined ? null : BOTTOM - (c / maxCount) * (BOTTOM - MID - 20));

    // Axes and labels.
    frag.append(svg("line", { x1: LEFT, y1: TOP, x2: LEFT, y2: MID - 10, stroke: "#999" }));
    frag.append(svg("line", { x1: LEFT, y1: MID + 20, x2: LEFT, y2: BOTTOM, stroke: "#999" }));
    frag.append(svg("line", { x1: LEFT, y1: BOTTOM, x2: W - RIGHT, y2: BOTTOM, stroke: "#999" }));
    frag.append(svg("text", { x: 4, y: TOP + 4, "font-size": 11 }, "gen " + gMax));
    frag.append(svg("text", { x: 4, y: MID - 10, "font-size": 11 }, "gen " + gMin));
    frag.append(svg("text", { x: 4, y: MID + 24, "font-size": 11 }, maxCount + " addr"));
    frag.append(svg("text", { x: 4, y: BOTTOM, "font-size": 11 }, "0 addr"));
    frag.append(svg("text", { x: LEFT, y: H - 8, "font-size": 11 }, time(d.from)));
    frag.append(svg("text", { x: W - RIGHT, y: H - 8, "font-size": 11, "text-anchor": "end" }, time(d.to)));
    frag.append(svg("text", { x: LEFT + 4, y: TOP - 10, "font-size": 11, fill: "#59636e" }, "generations: plan and applied per enactor"));
    frag.append(svg("text", { x: LEFT + 4, y: MID + 12, "font-size": 11, fill: "#59636e" }, "addresses answered per server"));

    const planPath = stepPath(d.samples.map((s) => ({ x: x(s.t), y: yGen(s.plan) })));
    frag.append(svg("path", { d: planPath, "data-series": "plan", fill: "none", stroke: "#8c959f", "stroke-width": 7, opacity: 0.5 }));
    legend.push({ label: "newest plan (wide band)", stroke: "#8c959f", dash: "", width: 7 });

    azs.forEach((az, i) => {
      const st = seriesStyle(i);
      const p = stepPath(d.samples.map((s) => ({ x: x(s.t), y: yGen(s.applied[az]) })));
      frag.append(svg("path", { d: p, "data-series": "applied-" + az, fill: "none", stroke: st.stroke, "stroke-dasharray": st.dash, "stroke-width": 2 }));
      legend.push({ label: "applied by " + az, stroke: st.stroke, dash: st.dash, width: 2 });
    });

    servers.forEach((name, i) => {
      const st = seriesStyle(i + azs.length);
      const pts = d.samples.map((s) => ({ x: x(s.t), y: s.answers[name] && s.answers[name].status ? yCount(s.answers[name].count) : null }));
      frag.append(svg("path", { d: stepPath(pts), "data-series": "answer-" + name, fill: "none", stroke: st.stroke, "stroke-dasharray": st.dash, "stroke-width": 2 }));
      legend.push({ label: name + " answer count", stroke: st.stroke, dash: st.dash, width: 2 });
      let inRun = false;
      for (const s of d.samples) {
        const a = s.answers[name];
        const empty = a && a.status === "NOERROR" && a.count === 0;
        if (empty) {
          const cx = x(s.t), cy = BOTTOM - 4;
          const g = svg("g", { "data-empty": name });
          g.append(svg("title", {}, name + " answered EMPTY (NOERROR, 0 addresses) at " + time(s.t)));
          g.append(svg("path", { d: "M" + (cx - 4) + "," + (cy - 4) + "l8,8m0,-8l-8,8", stroke: "#cf222e", "stroke-width": 2.5 }));
          if (!inRun) {
            // Near the right edge the label goes left of its marker, so it is never cut off.
            const left = cx > W - RIGHT - 120;
            g.append(svg("text", { x: left ? cx - 6 : cx + 6, y: cy - 8 - 12 * i, "font-size": 11, fill: "#cf222e",
              "font-weight": "bold", "text-anchor": left ? "end" : "start" }, "EMPTY " + name));
          }
          frag.append(g);
        }
        if (a && a.stale) {
          const g = svg("g", { "data-stale": name });
          g.append(svg("title", {}, name + " served STALE (EDE 3) at " + time(s.t)));
          g.append(svg("rect", { x: x(s.t) - 2, y: yCount(a.count) - 2, width: 4, height: 4, fill: "#9a6700" }));
          frag.append(g);
        }
        inRun = empty;
      }
    });
    legend.push({ label: "EMPTY answer (NOERROR, no address)", mark: "x" });
    legend.push({ label: "stale answer (EDE 3)", mark: "square" });

    // Audit events: a tick with a letter on the top edge, a full-height hairline for the bad ones.
    const seen = new Set();
    for (const e of d.events) {
      if (Date.parse(e.t) < t0) continue;
      const ex = x(e.t);
      const bad = BAD_EVENTS.has(e.action);
      const g = svg("g", { "data-event": e.action });
      g.append(svg("title", {}, time(e.t) + " " + e.actor + " " + e.action + gensText(e) + (e.detail ? " — " + e.detail : "")));
      g.append(svg("line", { x1: ex, y1: TOP - 4, x2: ex, y2: bad ? BOTTOM : TOP + 6, stroke: bad ? "#cf222e" : "#59636e", "stroke-dasharray": bad ? "3 3" : "" }));
      g.append(svg("text", { x: ex, y: TOP - 6, "font-size": 10, "text-anchor": "middle", fill: bad ? "#cf222e" : "#1b1f24" }, EVENT_MARK[e.action] || "•"));
      frag.append(g);
      seen.add(e.action);
    }
    for (const a of seen) legend.push({ label: (EVENT_MARK[a] || "•") + " = " + a, mark: "text" });

    title.textContent = "Timeline of " + d.endpoint + " from " + time(d.from) + " to " + time(d.to) +
      ": " + d.samples.length + " samples, " + d.events.length + " audit events";
    root.replaceChildren(frag);
    renderLegend(legend);
    renderEvents(d.events);
  }

  function gensText(e) {
    const parts = [];
    if (e.generation !== null) parts.push("plan " + e.generation);
    if (e.previousGeneration !== null || e.newGeneration !== null) {
      parts.push(show(e.previousGeneration) + " → " + show(e.newGeneration));
    }
    return parts.length ? " (" + parts.join(", ") + ")" : "";
  }

  function renderLegend(items) {
    const key = JSON.stringify(items);
    const ul = $("#legend");
    if (ul.dataset.key === key) return;
    ul.dataset.key = key;
    ul.replaceChildren(...items.map((it) => {
      const li = el("li");
      const s = svg("svg", { width: 28, height: 12, "aria-hidden": "true" });
      if (it.mark === "x") s.append(svg("path", { d: "M10,2l8,8m0,-8l-8,8", stroke: "#cf222e", "stroke-width": 2.5 }));
      else if (it.mark === "square") s.append(svg("rect", { x: 12, y: 4, width: 4, height: 4, fill: "#9a6700" }));
      else if (it.mark !== "text") s.append(svg("line", { x1: 0, y1: 6, x2: 28, y2: 6, stroke: it.stroke, "stroke-dasharray": it.dash, "stroke-width": it.width }));
      li.append(s, document.createTextNode(it.label));
      return li;
    }));
  }

  function renderEvents(events) {
    const ul = $("#timeline-events");
    const key = events.length ? events[0].t + events.length : "";
    if (ul.dataset.key === key) return;
    ul.dataset.key = key;
    if (!events.length) {
      ul.replaceChildren(el("li", {}, "no audit events in this window"));
      return;
    }
    ul.replaceChildren(...events.map((e) => el("li", { "data-action": e.action },
      time(e.t) + "  " + e.actor + "  " + e.action + gensText(e) + (e.detail ? " — " + e.detail : ""))));
  }

  // ---- actions ---------------------------------------------------------------------------------

  let pending = null;

  function confirmAction(text, fields, run) {
    const dlg = $("#confirm");
    $("#confirm-text").textContent = text;
    $("#confirm-fields").hidden = !fields;
    if (fields) {
      $("#confirm-endpoint").value = selected || "";
    }
    pending = run;
    dlg.showModal();
    (fields ? $("#confirm-endpoint") : $("#confirm-cancel")).focus();
  }

  function result(ok, text) {
    const r = $("#action-result");
    r.setAttribute("data-outcome", ok ? "ok" : "error");
    r.textContent = text;
  }

  async function send(method, url, body, what) {
    try {
      const r = await fetch(url, {
        method, headers: headers(true), body: body === null ? "{}" : JSON.stringify(body), cache: "no-store",
      });
      const text = await r.text();
      let parsed = null;
      try { parsed = JSON.parse(text); } catch (e) { parsed = null; }
      if (r.ok) {
        result(true, what + ": done (" + r.status + ")" + summary(parsed));
      } else {
        const why = parsed && parsed.error ? parsed.error : text || "HTTP " + r.status;
        result(false, what + ": refused (" + r.status + "): " + why);
      }
    } catch (e) {
      result(false, what + ": the planner could not be reached: " + e.message);
    }
  }

  function summary(p) {
    if (!p || typeof p !== "object") return "";
    if (p.outcome !== undefined) return " — outcome " + p.outcome + ", plan " + p.generation;
    if (p.mode !== undefined) return " — mode " + p.mode + (p.paused ? ", paused" : "");
    if (p.name !== undefined && p.generation !== undefined) return " — plan " + show(p.generation);
    return "";
  }

  function onAction(btn) {
    const action = btn.dataset.action;
    if (action === "health") {
      const healthy = btn.dataset.healthy === "true";
      const address = btn.dataset.address;
      const ep = selected;
      confirmAction("Report target " + address + " of " + ep + " as " + (healthy ? "HEALTHY" : "UNHEALTHY") +
        " to the planner? This may write a new plan.", false, () =>
        send("PUT", "/v1/endpoints/" + encodeURIComponent(ep) + "/targets/" + encodeURIComponent(address) + "/health",
          { healthy }, "report " + address + (healthy ? " healthy" : " unhealthy")));
      return;
    }
    const card = btn.closest("[data-az]");
    if (!card) return;
    const az = card.dataset.az;
    const url = "/ui/api/enactors/" + encodeURIComponent(az) + "/" + action;
    switch (action) {
      case "mode": {
        const mode = btn.dataset.mode;
        confirmAction("Switch enactor " + az + " to " + mode.toUpperCase() + " mode?" +
          (mode === "legacy" ? " Legacy reproduces the 2025 outage: it can empty endpoints." : ""), false,
        () => send("POST", url, { mode }, az + " mode " + mode));
        break;
      }
      case "pause":
        confirmAction("Pause enactor " + az + "? It stops applying plans until resumed.", false,
          () => send("POST", url, null, "pause " + az));
        break;
      case "resume":
        confirmAction("Resume enactor " + az + "?", false, () => send("POST", url, null, "resume " + az));
        break;
      case "clear-faults":
        confirmAction("Clear every injected fault of enactor " + az + "?", false,
          () => send("POST", url, null, "clear faults of " + az));
        break;
      case "delay":
        confirmAction("Inject a delay into enactor " + az + ": it will wait this long before writing the endpoint.", true,
          () => send("POST", url, { endpoint: $("#confirm-endpoint").value.trim(), delay: $("#confirm-delay").value.trim() },
            "delay on " + az));
        break;
      case "repair": {
        const ep = selected;
        if (!ep) { result(false, "select an endpoint to repair first"); return; }
        confirmAction("Have enactor " + az + " repair " + ep + ": write the newest plan to it now?", false,
          () => send("POST", url, { endpoint: ep }, "repair " + ep + " by " + az));
        break;
      }
      default:
        break;
    }
  }

  // ---- wiring ----------------------------------------------------------------------------------

  function init() {
    const tokenInput = $("#token");
    try { tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { /* storage off */ }
    tokenInput.addEventListener("change", () => {
      try { sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()); } catch (e) { /* storage off */ }
    });
    $("#token-clear").addEventListener("click", () => {
      tokenInput.value = "";
      try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage off */ }
    });
    $("#endpoint-select").addEventListener("change", (e) => select(e.target.value));
    let filterTimer = null;
    $("#endpoint-filter").addEventListener("input", (e) => {
      clearTimeout(filterTimer);
      const value = e.target.value;
      filterTimer = setTimeout(() => {
        if (value === filter) return;
        filter = value;
        pollState();
      }, FILTER_DEBOUNCE_MS);
    });
    const tbody = $("#endpoints").tBodies[0];
    tbody.addEventListener("click", (e) => {
      const tr = e.target.closest("tr[data-endpoint]");
      if (tr) select(tr.dataset.endpoint);
    });
    tbody.addEventListener("keydown", (e) => {
      const tr = e.target.closest("tr[data-endpoint]");
      if (!tr) return;
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(tr.dataset.endpoint); }
      if (e.key === "ArrowDown" && tr.nextElementSibling) { e.preventDefault(); tr.nextElementSibling.focus(); }
      if (e.key === "ArrowUp" && tr.previousElementSibling) { e.preventDefault(); tr.previousElementSibling.focus(); }
    });
    document.body.addEventListener("click", (e) => {
      const btn = e.target.closest("button[data-action]");
      if (btn && !btn.disabled) onAction(btn);
    });
    $("#confirm-ok").addEventListener("click", () => {
      const run = pending;
      pending = null;
      $("#confirm").close();
      if (run) run();
    });
    $("#confirm-cancel").addEventListener("click", () => {
      pending = null;
      const r = $("#action-result");
      r.setAttribute("data-outcome", "");
      r.textContent = "cancelled: nothing was sent";
      $("#confirm").close();
    });
    // Esc closes the dialog too: then nothing may be sent later by a stale callback.
    $("#confirm").addEventListener("cancel", () => { pending = null; });
    $("#timeline-minutes").addEventListener("change", () => { timelineData = null; renderTimeline(); });
    pollState();
    pollTimeline();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
