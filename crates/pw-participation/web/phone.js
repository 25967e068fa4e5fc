// The workshop page on a phone. Everything people wrote is put on the page
// as text (textContent), never as markup.
"use strict";

const token = location.pathname.split("/")[2] || "";
const store = {
  get(k) { try { return localStorage.getItem(k + "." + token); } catch (e) { return null; } },
  set(k, v) { try { localStorage.setItem(k + "." + token, v); } catch (e) { /* private mode */ } },
};
let lang = store.get("lang") || document.documentElement.lang || "de";
let texts = {};
let workshop = null;
let participant = store.get("participant");
let category = null;
let place = null;
let revision = 0;
const shown = new Map();

function t(key, args) {
  let s = texts[key] || key;
  for (const [k, v] of Object.entries(args || {})) s = s.split("{" + k + "}").join(String(v));
  return s;
}

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.appendChild(c);
  return e;
}

function freshNonce() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function call(method, path, body) {
  const response = await fetch(path + (path.includes("?") ? "&" : "?") + "lang=" + lang, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.message || response.statusText);
    error.key = data.error;
    throw error;
  }
  return data;
}

async function join() {
  const data = await call("POST", "api/join");
  participant = data.participant;
  store.set("participant", participant);
}

// Runs `action`; when the server no longer knows this phone, joins again once.
async function asParticipant(action) {
  if (!participant) await join();
  try {
    return await action();
  } catch (e) {
    if (e.key !== "participation.error.participant") throw e;
    await join();
    return await action();
  }
}

function say(target, message, isError) {
  target.textContent = message;
  target.classList.toggle("error", !!isError);
}

function applyTexts() {
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll("[data-text]")) e.textContent = t(e.dataset.text);
  document.getElementById("language").textContent = t("participation.page.language");
  document.getElementById("text").placeholder = t("participation.page.text_hint");
  updateCharsLeft();
  updatePlaceHint();
}

function updateCharsLeft() {
  const n = 1000 - document.getElementById("text").value.length;
  document.getElementById("chars-left").textContent = t("participation.page.chars_left", { n });
}

function updatePlaceHint() {
  document.getElementById("place-hint").textContent =
    t(place ? "participation.page.place_set" : "participation.page.place");
  document.getElementById("place-clear").hidden = !place;
}

function local(text) {
  return (lang === "en" && text.en) ? text.en : text.de;
}

function drawVariants() {
  const box = document.getElementById("variants");
  box.replaceChildren();
  document.getElementById("voting-closed").hidden = workshop.voting_open;
  const about = document.getElementById("about");
  const chosen = about.value;
  about.replaceChildren(el("option", { value: "", text: t("participation.page.no_variant") }));
  for (const v of workshop.variants) {
    about.appendChild(el("option", { value: v.id, text: local(v.name) }));
    const card = el("div", { class: "card", "data-variant": v.id });
    if (workshop.pictures.includes(v.id)) {
      card.appendChild(el("img", { src: "picture/" + encodeURIComponent(v.id), alt: local(v.name) }));
    }
    card.appendChild(el("h3", { text: local(v.name) }));
    if (v.caption && local(v.caption)) card.appendChild(el("p", { text: local(v.caption) }));
    if (workshop.voting_open) {
      card.appendChild(el("p", { class: "label", text: t("participation.page.stars") }));
      const row = el("div", { class: "stars" });
      const mine = Number(store.get("stars." + v.id) || 0);
      for (let n = 1; n <= 5; n++) {
        const b = el("button", {
          type: "button", "data-stars": String(n), "aria-label": t("participation.page.star", { n }),
          "aria-pressed": String(n <= mine), text: n <= mine ? "★" : "☆",
        });
        b.addEventListener("click", () => vote(v.id, n, card));
        row.appendChild(b);
      }
      card.appendChild(row);
      card.appendChild(el("p", { class: "hint vote-result", role: "status",
        text: mine ? t("participation.page.your_stars", { n: mine }) : "" }));
    }
    box.appendChild(card);
  }
  about.value = chosen;
}

async function vote(variant, stars, card) {
  const result = card.querySelector(".vote-result");
  try {
    await asParticipant(() => call("POST", "api/vote", { participant, variant, stars }));
    store.set("stars." + variant, String(stars));
    for (const b of card.querySelectorAll("[data-stars]")) {
      const on = Number(b.dataset.stars) <= stars;
      b.textContent = on ? "★" : "☆";
      b.setAttribute("aria-pressed", String(on));
    }
    say(result, t("participation.page.your_stars", { n: stars }), false);
  } catch (e) {
    say(result, e.message || t("participation.page.offline"), true);
  }
}

function drawCategories() {
  const box = document.getElementById("categories");
  box.replaceChildren();
  for (const code of ["idee", "kritik", "frage", "lob"]) {
    const b = el("button", { type: "button", role: "radio", "data-category": code,
      "aria-checked": String(category === code), text: t("participation.category." + code) });
    b.addEventListener("click", () => { category = code; drawCategories(); });
    box.appendChild(b);
  }
}

const SVG = "http://www.w3.org/2000/svg";
let mapScale = 1;

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function drawMap() {
  const box = document.getElementById("map");
  box.replaceChildren();
  const area = workshop.area;
  if (!area) { box.hidden = true; document.getElementById("place-hint").hidden = true; return; }
  const [x0, y0, x1, y1] = area.extent;
  mapScale = 1000 / Math.max(x1 - x0, y1 - y0);
  const w = (x1 - x0) * mapScale, h = (y1 - y0) * mapScale;
  box.style.aspectRatio = w + " / " + h;
  const root = svg("svg", { viewBox: "0 0 " + w + " " + h, role: "img" });
  if (workshop.map_picture) {
    root.appendChild(svg("image", { href: "map.png", x: 0, y: 0, width: w, height: h, preserveAspectRatio: "none" }));
  }
  for (const ring of area.outlines) {
    const points = ring.map(([x, y]) => ((x - x0) * mapScale).toFixed(1) + "," + ((y1 - y) * mapScale).toFixed(1)).join(" ");
    root.appendChild(svg("polygon", { points, fill: "#9aa7b4", stroke: "#334", "stroke-width": 1.5 }));
  }
  root.addEventListener("click", (event) => {
    const p = root.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    const q = p.matrixTransform(root.getScreenCTM().inverse());
    place = { x: x0 + q.x / mapScale, y: y1 - q.y / mapScale };
    drawMarker();
    updatePlaceHint();
  });
  box.appendChild(root);
  drawMarker();
}

function drawMarker() {
  const root = document.querySelector("#map svg");
  if (!root) return;
  const old = root.querySelector("#marker");
  if (old) old.remove();
  if (!place) return;
  const [x0, , , y1] = workshop.area.extent;
  const cx = (place.x - x0) * mapScale, cy = (y1 - place.y) * mapScale;
  const g = svg("g", { id: "marker" });
  g.appendChild(svg("circle", { cx, cy, r: 22, fill: "none", stroke: "#fff", "stroke-width": 8 }));
  g.appendChild(svg("circle", { cx, cy, r: 22, fill: "none", stroke: "#c00", "stroke-width": 5 }));
  g.appendChild(svg("circle", { cx, cy, r: 5, fill: "#c00" }));
  root.appendChild(g);
}

let nonce = store.get("nonce") || freshNonce();
store.set("nonce", nonce);

async function send() {
  const result = document.getElementById("send-result");
  const button = document.getElementById("send");
  const text = document.getElementById("text").value;
  if (!category) { say(result, t("participation.error.category"), true); return; }
  if (!text.trim()) { say(result, t("participation.error.empty"), true); return; }
  const variant = document.getElementById("about").value;
  button.disabled = true;
  say(result, t("participation.page.sending"), false);
  try {
    // The same nonce until it is saved: sending again after a lost answer stores it once.
    await asParticipant(() => call("POST", "api/contribution", {
      participant, nonce, text, category, anchor: place,
      view: variant ? { variant } : {},
    }));
    say(result, t("participation.page.saved"), false);
    document.getElementById("text").value = "";
    place = null; category = null;
    nonce = freshNonce(); store.set("nonce", nonce);
    drawCategories(); drawMarker(); updatePlaceHint(); updateCharsLeft();
    refresh();
  } catch (e) {
    say(result, e.key ? e.message : t("participation.page.offline"), true);
  } finally {
    button.disabled = false;
  }
}

function drawQuestions() {
  const section = document.getElementById("questions-section");
  const box = document.getElementById("questions");
  box.replaceChildren();
  section.hidden = workshop.questions.length === 0 || !workshop.voting_open;
  for (const q of workshop.questions) {
    const card = el("div", { class: "card", "data-question": q.id });
    card.appendChild(el("p", { class: "label", text: local(q.text) }));
    const row = el("div", { class: "choices" });
    const labels = q.kind.type === "yesno" ? [t("participation.page.no"), t("participation.page.yes")]
      : q.kind.type === "stars" ? [1, 2, 3, 4, 5].map((n) => "★".repeat(n))
      : q.kind.options.map(local);
    const values = q.kind.type === "stars" ? [1, 2, 3, 4, 5] : labels.map((_, i) => i);
    const mine = store.get("answer." + q.id);
    labels.forEach((label, i) => {
      const b = el("button", { type: "button", "data-value": String(values[i]),
        "aria-pressed": String(mine === String(values[i])), text: label });
      b.addEventListener("click", () => answer(q.id, values[i], card));
      row.appendChild(b);
    });
    card.appendChild(row);
    card.appendChild(el("p", { class: "hint answer-result", role: "status" }));
    box.appendChild(card);
  }
}

async function answer(question, value, card) {
  const result = card.querySelector(".answer-result");
  try {
    await asParticipant(() => call("POST", "api/answer", { participant, question, value }));
    store.set("answer." + question, String(value));
    for (const b of card.querySelectorAll("[data-value]")) {
      b.setAttribute("aria-pressed", String(b.dataset.value === String(value)));
    }
    say(result, t("participation.page.thanks"), false);
  } catch (e) {
    say(result, e.message || t("participation.page.offline"), true);
  }
}

function contributionItem(c) {
  const li = el("li", { "data-id": String(c.id) });
  const meta = t("participation.category." + c.category)
    + (c.mine ? " · " + t("participation.page.mine") : "")
    + (c.answered ? " · " + t("participation.page.answered") : "");
  li.appendChild(el("div", { class: "meta", text: meta }));
  li.appendChild(el("div", { class: "text", text: c.text }));
  if (c.reply) li.appendChild(el("div", { class: "reply", text: t("participation.page.reply") + ": " + c.reply }));
  return li;
}

async function refresh() {
  try {
    const data = await call("GET", "api/contributions?since=" + revision
      + (participant ? "&participant=" + encodeURIComponent(participant) : ""));
    const list = document.getElementById("contributions");
    for (const c of data.contributions) {
      const old = shown.get(c.id);
      if (c.hidden || c.merged_into) {
        if (old) old.remove();
        shown.delete(c.id);
        continue;
      }
      const li = contributionItem(c);
      if (old) old.replaceWith(li); else list.prepend(li);
      shown.set(c.id, li);
    }
    revision = data.revision;
    const empty = list.querySelector(".empty");
    if (shown.size === 0 && !empty) list.appendChild(el("li", { class: "empty", text: t("participation.page.none_yet") }));
    if (shown.size > 0 && empty) empty.remove();
  } catch (e) { /* the next poll tries again */ }
}

async function load() {
  const status = document.getElementById("status");
  try {
    texts = await call("GET", "api/texts");
    workshop = await call("GET", "api/workshop");
  } catch (e) {
    say(status, e.message || "Keine Verbindung / no connection", true);
    return;
  }
  say(status, "", false);
  document.getElementById("title").textContent = local(workshop.title);
  document.title = local(workshop.title);
  applyTexts();
  drawVariants();
  drawCategories();
  drawMap();
  drawQuestions();
  const list = document.getElementById("contributions");
  list.replaceChildren(); shown.clear(); revision = 0;
  refresh();
  document.body.dataset.ready = "true";
}

document.getElementById("language").addEventListener("click", () => {
  lang = lang === "de" ? "en" : "de";
  store.set("lang", lang);
  load();
});
document.getElementById("text").addEventListener("input", updateCharsLeft);
document.getElementById("send").addEventListener("click", send);
document.getElementById("place-clear").addEventListener("click", () => { place = null; drawMarker(); updatePlaceHint(); });
load();
setInterval(refresh, 4000);
