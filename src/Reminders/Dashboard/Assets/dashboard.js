// The clinic dashboard: plain ES module, public API only. The staff key (or the session a sign-in link starts) lives in
// sessionStorage (this tab, gone when it closes) and travels only in the X-Api-Key header, never in a URL. Every value
// is written with textContent: nothing from the API is ever parsed as HTML.
const strings = {
  en: {
    title: "Reminders", upcoming: "Upcoming", outcomes: "Recent outcomes", patient: "Patient", signOut: "Sign out", language: "Language",
    signInTitle: "Sign in", signInHelp: "Open the sign-in link your clinic's administrator sent you, or paste your staff key. It is kept only in this tab.",
    key: "Staff key", signIn: "Sign in", badKey: "That key does not work.", badLink: "That sign-in link does not work any more (each works once, for a short time): ask for a new one.",
    sessionEnded: "Your session has ended: sign in again.", linkHelp: "You opened a sign-in link. It works once, in this tab only.", useLink: "Continue", upcomingTitle: "Who gets reminded in the next 30 days",
    outcomesTitle: "What happened in the last 30 days", date: "Date", patientId: "Patient", status: "Status", why: "Why",
    patientTitle: "Look up a patient", lookUp: "Look up", noPatient: "No patient with that id.", reminders: "reminders",
    step: "step", cancel: "Cancel this session", confirmCancel: "Cancel this session? Its reminders stop.", cancelled: "cancelled",
    answers: "Answers", earlier: "Earlier steps", loading: "Loading…", failed: "Something went wrong; try again.", none: "Nothing here.",
    preview: "Email preview", previewTitle: "The email as patients see it", previewHelp: "Opens in a new tab for 15 minutes; its links change nothing.",
    rebooking: "Rebooking", rebookingTitle: "Reminded and rebooked, week by week", week: "Week", reminded: "Reminded", rebooked: "Rebooked within 60 days",
    estimate: "relief estimate", replaced: "replaced by a re-posted session", all: "All", needAttention: "failed or bounced: check these patients' addresses", filterBy: "Show only",
  },
  es: {
    title: "Recordatorios", upcoming: "Próximos", outcomes: "Resultados recientes", patient: "Paciente", signOut: "Salir", language: "Idioma",
    signInTitle: "Entrar", signInHelp: "Abra el enlace de acceso que le envió el administrador de la clínica, o pegue su clave de personal. Solo se guarda en esta pestaña.",
    key: "Clave de personal", signIn: "Entrar", badKey: "Esa clave no funciona.", badLink: "Ese enlace de acceso ya no funciona (cada uno sirve una vez, poco tiempo): pida uno nuevo.",
    sessionEnded: "Su sesión ha terminado: vuelva a entrar.", linkHelp: "Ha abierto un enlace de acceso. Sirve una vez, solo en esta pestaña.", useLink: "Continuar", upcomingTitle: "A quién se recordará en los próximos 30 días",
    outcomesTitle: "Qué pasó en los últimos 30 días", date: "Fecha", patientId: "Paciente", status: "Estado", why: "Motivo",
    patientTitle: "Buscar un paciente", lookUp: "Buscar", noPatient: "No hay ningún paciente con ese id.", reminders: "recordatorios",
    step: "paso", cancel: "Cancelar esta sesión", confirmCancel: "¿Cancelar esta sesión? Sus recordatorios se detienen.", cancelled: "cancelada",
    answers: "Respuestas", earlier: "Pasos anteriores", loading: "Cargando…", failed: "Algo salió mal; inténtelo de nuevo.", none: "Nada aquí.",
    preview: "Vista previa", previewTitle: "El correo tal como lo ven los pacientes", previewHelp: "Se abre en otra pestaña durante 15 minutos; sus enlaces no cambian nada.",
    rebooking: "Nuevas citas", rebookingTitle: "Recordados y con nueva cita, semana a semana", week: "Semana", reminded: "Recordados", rebooked: "Nueva cita en 60 días",
    estimate: "estimación del alivio", replaced: "sustituido al volver a enviar la sesión", all: "Todos", needAttention: "fallidos o rebotados: revise las direcciones de estos pacientes", filterBy: "Mostrar solo",
  },
};

// The language: the staff member's choice in this tab, else the clinic's (set at sign-in), else the browser's.
const state = { language: sessionStorage.getItem("language") ?? (navigator.language?.startsWith("es") ? "es" : "en"), today: null, clinic: null };
const t = (key) => strings[state.language][key] ?? strings.en[key];
const $ = (id) => document.getElementById(id);
const key = () => sessionStorage.getItem("staffKey");

// A sign-in link carries its one-use token after "#", which browsers never send to a server. Take it out of the
// address bar and the history before anything else runs, so it is not bookmarked, shared or shown.
const signInLink = new URLSearchParams(location.hash.slice(1)).get("sign-in");
if (signInLink !== null) history.replaceState(null, "", location.pathname + location.search);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// The clinic's own date of an instant (the API's times are UTC).
const localDay = (instant) => new Intl.DateTimeFormat("en-CA", { timeZone: state.clinic.timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
  .format(new Date(instant));

// The clinic's today, as the service says (GET /api/clinic): not this computer's.
function day(offset) {
  const d = new Date(`${state.today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

async function api(method, path) {
  const response = await fetch(path, { method, headers: { "X-Api-Key": key() ?? "" } });
  if (response.status === 401 || response.status === 403) { signOut(); $("sign-in-error").textContent = t("sessionEnded"); throw new Error("unauthorized"); }
  return response;
}

async function plan(from, to, by = "reminderDate") {
  const reminders = [];
  let token = null;
  do {
    const query = `from=${from}&to=${to}&by=${by}&include=firstName` + (token ? `&continuationToken=${encodeURIComponent(token)}` : "");
    const page = await (await api("GET", `/api/reminders?${query}`)).json();
    reminders.push(...page.reminders);
    token = page.continuationToken;
  } while (token);
  return reminders;
}

function translate() {
  document.documentElement.lang = state.language;
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
  $("language").value = state.language;
}

async function showUpcoming() {
  const reminders = (await plan(day(0), day(29))).filter((r) => r.status === "Pending");
  const byDay = Map.groupBy(reminders, (r) => r.reminderDate);
  $("upcoming-total").textContent = `${reminders.length} ${t("reminders")}`;
  const days = $("upcoming-days");
  days.replaceChildren();
  if (reminders.length === 0) days.append(element("p", t("none")));
  for (const date of [...byDay.keys()].sort()) {
    const group = element("div", null, "day");
    group.append(element("h3", `${date} — ${byDay.get(date).length}`));
    const list = element("ul");
    for (const r of byDay.get(date))
      list.append(element("li", [who(r), `${t("step")} ${r.step}/${r.steps}`, r.detail, estimate(r)].filter(Boolean).join(" · ")));
    group.append(list);
    days.append(group);
  }
}

// The last 30 days' decisions. A session's decidedAt is the time of its latest decision (a send recorded late keeps
// the time it went out), which is never before its earlier steps' decisions: so every session that decided anything
// in those days has decidedAt in them (by=decided). Shown: its current reminder, if no longer pending, and its
// sequence's earlier steps, each kept by the day it was decided (sent, else dated).
async function recentOutcomes() {
  const rows = [];
  for (const s of await plan(day(-30), day(0), "decided")) {
    for (const e of s.earlierSteps ?? [])
      rows.push({ ...e, patientId: s.patientId, firstName: s.firstName, steps: s.steps, delivery: null, on: e.sentAt ? localDay(e.sentAt) : e.reminderDate });
    // A session re-dated back to a reminder already sent is "Skipped (AlreadySent)" with that email's id: the email
    // itself is already a row (an earlier step), so it is not counted twice.
    const restated = s.reason === "AlreadySent" && s.earlierSteps?.some((e) => e.reminderId === s.reminderId);
    if (s.status !== "Pending" && !restated) rows.push({ ...s, on: s.decidedAt || s.sentAt ? localDay(s.decidedAt ?? s.sentAt) : s.reminderDate });
  }
  return rows.filter((r) => r.on >= day(-30) && r.on <= day(0)).sort((a, b) => b.on.localeCompare(a.on));
}

const who = (r) => [r.patientId, r.firstName].filter(Boolean).join(" ");
// Why this date, beyond the plan's own words: a relief estimate learnt from this patient's history.
const estimate = (r) => r.reliefEstimate?.source === "patientHistory" ? `${t("estimate")}: ${r.reliefEstimate.basis}` : null;
// Statuses in the page's language; reasons stay the API's codes (the "why" column says them in words).
const statusNames = {
  es: { Pending: "Pendiente", Sent: "Enviado", Skipped: "Omitido", Expired: "Caducado", Failed: "Fallido", Delivered: "Entregado",
    Bounced: "Rebotado", Suppressed: "Suprimido", Quarantined: "En cuarentena", FilteredSpam: "Filtrado como spam", Expanded: "Expandido" },
};
const statusName = (status) => statusNames[state.language]?.[status] ?? status;
const outcomeLabel = (r) => (r.reason ? `${statusName(r.status)} (${r.reason})` : statusName(r.status)) + (r.delivery ? ` · ${statusName(r.delivery.status)}` : "");
const needsAttention = (r) => r.status === "Failed" || r.delivery?.status === "Bounced";

// Totals at the top, each a button that shows only its rows (pressed again, or "All", shows every row).
async function showOutcomes() {
  const rows = await recentOutcomes();
  const totals = Map.groupBy(rows, outcomeLabel);
  const attention = rows.filter(needsAttention).length;
  $("outcomes-alert").textContent = attention ? `${attention} ${t("needAttention")}` : "";
  const render = (label) => {
    for (const button of $("outcomes-totals").querySelectorAll("button"))
      button.setAttribute("aria-pressed", String(button.dataset.label === (label ?? "")));
    const body = $("outcomes-rows");
    body.replaceChildren();
    for (const r of rows.filter((r) => label === null || outcomeLabel(r) === label)) {
      const row = element("tr");
      row.append(element("td", r.on), element("td", `${who(r)} · ${t("step")} ${r.step}/${r.steps}`),
        element("td", outcomeLabel(r), needsAttention(r) ? "flag" : null), element("td", r.detail ?? r.reason ?? ""));
      body.append(row);
    }
    if (!body.children.length) {
      const empty = element("tr");
      empty.append(element("td", t("none")));
      body.append(empty);
    }
  };
  const filter = (text, label) => {
    const button = element("button", text, "secondary");
    button.type = "button";
    button.dataset.label = label ?? "";
    button.addEventListener("click", () => render(button.getAttribute("aria-pressed") === "true" ? null : label));
    return button;
  };
  $("outcomes-totals").replaceChildren(filter(`${t("all")}: ${rows.length}`, null),
    ...[...totals].sort(([a], [b]) => a.localeCompare(b)).map(([label, list]) => filter(`${label}: ${list.length}`, label)));
  render(null);
}

async function showPatient(id) {
  const view = $("patient-view");
  view.replaceChildren(element("p", t("loading")));
  const response = await api("GET", `/api/patients/${encodeURIComponent(id)}`);
  if (response.status === 404) { view.replaceChildren(element("p", t("noPatient"))); return; }
  const patient = await response.json();
  view.replaceChildren(element("h3", [patient.patientId, patient.firstName].filter(Boolean).join(" · ")));
  for (const s of patient.sessions) {
    const block = element("div", null, "session");
    block.append(element("h4", `${s.sessionId} · ${s.injectionDate}${s.cancelled ? " · " + t("cancelled") : ""}`));
    block.append(element("p", `${statusName(s.status)}${s.reason ? " (" + s.reason + ")" : ""} · ${s.reminderDate} · ${t("step")} ${s.step}/${s.steps}`,
      s.status === "Failed" ? "flag" : null));
    if (s.detail) block.append(element("p", s.detail));
    if (s.earlierSteps?.length) block.append(element("p", `${t("earlier")}: ` + s.earlierSteps.map((e) => `${e.step} ${statusName(e.status)}${e.replaced ? ` (${t("replaced")})` : ""}`).join(", ")));
    if (s.checkIns?.length) block.append(element("p", `${t("answers")}: ` + s.checkIns.map((a) => a.answer + (a.weeks ? ` (${a.weeks})` : "")).join(", ")));
    if (!s.cancelled) {
      const cancel = element("button", t("cancel"), "secondary");
      cancel.type = "button";
      cancel.addEventListener("click", async () => {
        if (!confirm(t("confirmCancel"))) return;
        await api("DELETE", `/api/patients/${encodeURIComponent(patient.patientId)}/sessions/${encodeURIComponent(s.sessionId)}`);
        await showPatient(patient.patientId);
      });
      block.append(cancel);
    }
    view.append(block);
  }
}

async function openPreview(locale) {
  const response = await api("POST", `/api/clinics/${encodeURIComponent(state.clinic.clinicId)}/preview-link?locale=${locale}`);
  const link = await response.json();
  // On this origin, like every call the dashboard makes (the link's host is the service's public name).
  const url = new URL(link.url);
  window.open(url.pathname + url.search, "_blank", "noopener,noreferrer");
}

const svg = (tag, attributes) => {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
};

// Eight weeks of /api/stats, oldest first, drawn from the numbers (and listed in a table for screen readers).
async function showRebooking() {
  const weeks = await Promise.all([...Array(8).keys()].reverse().map(async (w) => {
    const [from, to] = [day(-7 * w - 6), day(-7 * w)];
    const stats = await (await api("GET", `/api/stats?from=${from}&to=${to}`)).json();
    return { from, reminded: stats.patientsReminded, rebooked: stats.rebookedWithin60Days };
  }));
  const top = Math.max(1, ...weeks.map((w) => w.reminded));
  const chart = svg("svg", { viewBox: "0 0 320 140", role: "img", "aria-labelledby": "rebooking-title", width: "100%" });
  weeks.forEach((w, i) => {
    const x = 8 + i * 39, height = (n) => Math.round((n / top) * 110);
    chart.append(svg("rect", { x, y: 120 - height(w.reminded), width: 16, height: height(w.reminded), fill: "#9aa5b1" }));
    chart.append(svg("rect", { x: x + 17, y: 120 - height(w.rebooked), width: 16, height: height(w.rebooked), fill: "#0f766e" }));
    const label = svg("text", { x: x + 16, y: 136, "text-anchor": "middle", "font-size": 9, fill: "#1f2933" });
    label.textContent = w.from.slice(5);
    chart.append(label);
  });
  $("rebooking-chart").replaceChildren(chart);
  $("rebooking-rows").replaceChildren(...weeks.map((w) => {
    const row = element("tr");
    row.append(element("td", w.from), element("td", w.reminded), element("td", w.rebooked));
    return row;
  }));
}

const views = { upcoming: showUpcoming, outcomes: showOutcomes, patient: async () => {}, preview: async () => {}, rebooking: showRebooking };

async function show(name) {
  state.view = name;
  for (const id of Object.keys(views)) $(id).hidden = id !== name;
  for (const button of document.querySelectorAll("nav [data-view]")) {
    if (button.dataset.view === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  // Until the new numbers arrive the view still shows the last ones: marked busy (dimmed, and so announced), not blank.
  $(name).setAttribute("aria-busy", "true");
  $("status").textContent = t("loading");
  try { await views[name](); $("status").textContent = ""; }
  catch { $("status").textContent = key() ? t("failed") : ""; }
  finally { $(name).removeAttribute("aria-busy"); }
}

function signOut() {
  sessionStorage.removeItem("staffKey");
  for (const id of Object.keys(views)) $(id).hidden = true;
  document.querySelector("nav").hidden = true;
  $("sign-in").hidden = false;
}

async function signIn(candidate, refusal = "badKey") {
  // Kept first: a session a sign-in link just started must survive a failure that says nothing about it (a 429, a
  // 5xx, the network); reloading the page then tries again. Only a refusal of the key itself forgets it.
  sessionStorage.setItem("staffKey", candidate);
  let response;
  try { response = await fetch("/api/clinic", { headers: { "X-Api-Key": candidate } }); } catch { response = null; }
  if (response?.status === 401 || response?.status === 403) { signOut(); $("sign-in-error").textContent = t(refusal); return; }
  if (!response?.ok) { $("sign-in").hidden = false; $("sign-in-error").textContent = t("failed"); return; }
  const own = await response.json();
  [state.today, state.clinic] = [own.today, own.clinic];
  if (!sessionStorage.getItem("language")) { state.language = own.clinic.locale?.startsWith("es") ? "es" : "en"; translate(); }
  $("clinic-name").textContent = `· ${own.clinic.name}`;
  $("sign-in-error").textContent = "";
  $("sign-in").hidden = true;
  document.querySelector("nav").hidden = false;
  await show("upcoming");
}

document.addEventListener("DOMContentLoaded", async () => {
  translate();
  $("language").addEventListener("change", async (e) => {
    state.language = e.target.value;
    sessionStorage.setItem("language", state.language);
    translate();
    if (key() && state.view) await show(state.view); // what the view wrote (statuses, counts) in the new language
  });
  $("sign-in").addEventListener("submit", (e) => { e.preventDefault(); signIn($("key").value.trim()); });
  $("sign-out").addEventListener("click", signOut);
  for (const button of document.querySelectorAll("nav [data-view]")) button.addEventListener("click", () => show(button.dataset.view));
  $("patient-form").addEventListener("submit", (e) => { e.preventDefault(); showPatient($("patient-id").value.trim()); });
  for (const button of document.querySelectorAll("[data-preview]")) button.addEventListener("click", () => openPreview(button.dataset.preview));
  // A person's click, not the page load, spends the link: mail and chat scanners that open links (some run their
  // scripts) would otherwise use it up before its owner does.
  if (signInLink) {
    $("sign-in").hidden = true;
    $("link-sign-in").hidden = false;
    $("use-link").addEventListener("click", async () => { $("use-link").disabled = true; await redeem(signInLink); });
  }
  else if (key()) await signIn(key(), "sessionEnded");
  else signOut();
});

// Trades the link's token, once, for a staff session key (POST /api/staff-sessions), then signs in with it.
async function redeem(token) {
  let response;
  try {
    response = await fetch("/api/staff-sessions", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ signInLink: token }),
    });
  } catch { response = null; }
  if (response?.ok) { $("link-sign-in").hidden = true; await signIn((await response.json()).sessionKey); return; }
  if (response?.status === 401) { $("link-sign-in").hidden = true; signOut(); $("sign-in-error").textContent = t("badLink"); return; }
  // Unclear (429, 5xx, the network): the link may well be unused, and it is only in this page now: offer it again.
  $("link-error").textContent = t("failed");
  $("use-link").disabled = false;
}
