// Works without signal. Registers the service worker; keeps the trainee's current week or the
// foreman's queue on the phone (IndexedDB through `idb`, vendored); without a connection the
// diary's and the review queue's forms are kept on the phone as queued writes, each with a key
// made once, and sent when the connection returns. Every page works without this script.
(() => {
  const textsEl = document.getElementById("offline-texts");
  if (!textsEl || !window.idb || !window.indexedDB) return;
  const T = textsEl.dataset;
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (_m, name) => (name in values ? values[name] : ""));

  if ("serviceWorker" in navigator && T.sw) {
    navigator.serviceWorker.register(T.sw, { scope: "/" }).catch(() => {});
  }

  const dbReady = window.idb.openDB("shakirt-offline", 1, {
    upgrade(db) {
      db.createObjectStore("snapshot");
      db.createObjectStore("writes", { keyPath: "key" });
    },
  });
  const signedIn = T.user ? Number(T.user) : null;
  const shellPage = document.body.hasAttribute("data-offline-shell");
  let token = (document.querySelector("input[name=csrf_token]") || {}).value || "";
  let syncing = false;

  const newKey = () => (window.crypto && crypto.randomUUID
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`);

  async function snapshotOf() {
    return (await dbReady).get("snapshot", "current");
  }

  async function owner() {
    if (signedIn) return signedIn;
    const kept = await snapshotOf();
    return kept ? kept.user : null;
  }

  async function writesOf(user) {
    const all = await (await dbReady).getAll("writes");
    return all.filter((w) => w.user === user).sort((a, b) => a.created - b.created);
  }

  // --- what the phone keeps -------------------------------------------------------------------

  async function keepSnapshot() {
    const role = T.role;
    if (!signedIn || !navigator.onLine || (role !== "student" && role !== "mentor")) return;
    const db = await dbReady;
    const kept = await db.get("snapshot", "current");
    if (kept && kept.user !== signedIn) await db.delete("snapshot", "current");
    try {
      const response = await fetch("/offline/snapshot", { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      data.keptAt = new Date().toISOString();
      await db.put("snapshot", data, "current");
    } catch (error) { /* no connection after all: keep what is there */ }
  }

  async function forget() {
    const db = await dbReady;
    await db.clear("writes");
    await db.clear("snapshot");
  }

  async function queue(kind, payload, label) {
    const user = await owner();
    if (!user) return;
    const write = {
      key: newKey(), user, kind, payload, label, status: "pending", created: Date.now(),
    };
    const db = await dbReady;
    if (kind === "entry") {
      // A day typed again before it was sent: the newer text replaces the one not yet sent.
      for (const older of await writesOf(user)) {
        if (older.kind === "entry" && older.status === "pending"
            && older.payload.placement === payload.placement
            && older.payload.work_date === payload.work_date) {
          write.payload.submit = payload.submit || older.payload.submit;
          await db.delete("writes", older.key);
        }
      }
    }
    await db.put("writes", write);
    await render();
    sync();
  }

  // --- sending ----------------------------------------------------------------------------------

  // The session's token, and whose session it is (the shell page itself knows nobody).
  async function freshToken() {
    const response = await fetch("/offline/token", { credentials: "same-origin" });
    if (!response.ok) return null;
    const answer = await response.json();
    token = answer.csrf_token;
    return answer.user;
  }

  async function send(write) {
    const body = JSON.stringify({ key: write.key, kind: write.kind, ...write.payload });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch("/offline/writes", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body,
      });
      let answer = {};
      try { answer = await response.json(); } catch (error) { answer = {}; }
      // An expired session token: get the session's token and send the same write again.
      if (response.status === 403 && answer.outcome === "csrf" && attempt === 0) {
        if ((await freshToken()) === write.user) continue;
      }
      return { status: response.status, answer };
    }
    return { status: 403, answer: {} };
  }

  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      let user = signedIn;
      if (!user && shellPage) {
        try { user = await freshToken(); } catch (error) { user = null; }
      }
      if (!user) return;
      const db = await dbReady;
      for (const write of await writesOf(user)) {
        if (write.status !== "pending") continue;
        let result;
        try {
          result = await send(write);
        } catch (error) {
          break; // no connection: everything stays on the phone
        }
        const { status, answer } = result;
        if (status === 401) { notice(T.signedOut); break; }
        if (!answer.outcome || answer.outcome === "csrf") break;
        write.status = { done: "sent", conflict: "conflict" }[answer.outcome] || "refused";
        write.message = answer.message || "";
        write.server = answer.server || null;
        await db.put("writes", write);
        if (write.status === "sent" && write.server) keepVersion(write);
        await render();
      }
      if (!(await writesOf(user)).some((w) => w.status === "pending")) {
        const box = document.querySelector("[data-offline-notice]");
        if (box) box.remove();
      }
    } finally {
      syncing = false;
    }
    await render();
  }

  // The diary form on the page now stands on the version the server gave the sent day.
  function keepVersion(write) {
    if (write.kind !== "entry") return;
    const section = document.querySelector(
      `.diary-day[data-date="${write.payload.work_date}"]`);
    const version = section && section.querySelector("input[name$='-version']");
    if (version) version.value = String(write.server.version);
  }

  // --- showing --------------------------------------------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs).forEach(([name, value]) => {
      if (name === "class") node.className = value;
      else node.setAttribute(name, value);
    });
    children.flat().forEach((child) => {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    });
    return node;
  }

  function hours(value) {
    return `${String(value).replace(".", ",")} ${T.hoursUnit}`;
  }

  function notice(message) {
    let box = document.querySelector("[data-offline-notice]");
    if (!box) {
      box = el("p", { class: "flash flash--info offline-notice", role: "status",
        "data-offline-notice": "" });
      const main = document.getElementById("main");
      if (main) main.prepend(box);
    }
    box.textContent = message;
  }

  const STATUS_TEXT = () => ({
    pending: T.pending, sent: T.sent, conflict: T.conflict, refused: T.refused,
  });

  function writeItem(write) {
    const item = el("li", { class: `offline-write offline-write--${write.status}`,
      "data-offline-write": write.key });
    item.append(el("span", { class: "offline-write__label" }, write.label || ""), " — ",
      el("strong", { class: "offline-write__status" }, STATUS_TEXT()[write.status]));
    if (write.message && write.status !== "pending") {
      item.append(el("p", { class: "offline-write__message" }, write.message));
    }
    if (write.status === "conflict" || write.status === "refused") {
      if (write.kind === "entry") {
        item.append(el("p", {}, el("strong", {}, T.typed), " ",
          hours(write.payload.hours), " · ", write.payload.activity));
        if (write.server) {
          item.append(el("p", {}, el("strong", {}, T.server), " ",
            hours(write.server.hours), " · ", write.server.activity,
            ` (${write.server.status_label})`));
        }
      }
      const discard = el("button", { type: "button", class: "button button--small" }, T.discard);
      discard.addEventListener("click", async () => {
        await (await dbReady).delete("writes", write.key);
        render();
      });
      item.append(discard);
    }
    return item;
  }

  async function render() {
    const user = await owner();
    const writes = user ? await writesOf(user) : [];
    let panel = document.querySelector("[data-offline-panel]");
    if (!writes.length) {
      if (panel) panel.remove();
      return;
    }
    if (!panel) {
      panel = el("section", { class: "offline-panel", "data-offline-panel": "",
        "aria-live": "polite", "aria-labelledby": "offline-panel-title" });
      const main = document.getElementById("main");
      if (!main) return;
      const header = main.querySelector(".page-header");
      if (header) header.after(panel); else main.prepend(panel);
    }
    const list = el("ul", { class: "offline-panel__list" }, writes.map(writeItem));
    const children = [el("h2", { id: "offline-panel-title" }, T.panelTitle), list];
    if (!shellPage && writes.some((w) => w.status === "sent")) {
      const again = el("a", { href: window.location.href }, T.refresh);
      children.push(el("p", {}, again));
    }
    panel.replaceChildren(...children);
  }

  // --- the diary week and the review queue, without signal ------------------------------------

  function dayLabel(section) {
    const heading = section.querySelector("h3");
    return fill(T.entryLabel, { day: heading ? heading.textContent.trim() : section.dataset.date });
  }

  function catchDiary(form) {
    const match = (form.getAttribute("action") || "").match(/\/diary\/(\d+)/);
    if (!match) return;
    form.addEventListener("submit", async (event) => {
      if (navigator.onLine) return;
      event.preventDefault();
      const submitter = event.submitter || {};
      const all = submitter.name === "submit_week";
      let queued = 0;
      for (const section of form.querySelectorAll(".diary-day--open[data-date]")) {
        const day = section.dataset.date;
        const hoursInput = section.querySelector(".diary-day__hours");
        const activity = section.querySelector("textarea");
        const version = section.querySelector("input[name$='-version']");
        if (!hoursInput || !activity) continue;
        const changed = hoursInput.value !== hoursInput.defaultValue
          || activity.value !== activity.defaultValue;
        const submit = all || (submitter.name === "submit_day" && submitter.value === day);
        if (!hoursInput.value.trim() || !activity.value.trim() || !(changed || submit)) continue;
        await queue("entry", {
          placement: match[1], work_date: day, hours: hoursInput.value.trim(),
          activity: activity.value.trim(), version: version ? version.value : "",
          submit: submit ? "1" : "",
        }, dayLabel(section));
        hoursInput.defaultValue = hoursInput.value;
        activity.defaultValue = activity.value;
        queued += 1;
      }
      notice(queued ? T.queued : T.nothing);
    });
  }

  function catchReview(form) {
    const match = (form.getAttribute("action") || "").match(/\/review\/(entries\/(\d+)|week)$/);
    if (!match) return;
    form.addEventListener("submit", async (event) => {
      if (navigator.onLine) return;
      event.preventDefault();
      const submitter = event.submitter || {};
      if (!match[2] || submitter.name !== "approve") { notice(T.onlineOnly); return; }
      const version = form.querySelector("input[name=version]");
      const card = form.closest(".review-entry") || form;
      const text = (selector) => ((card.querySelector(selector) || {}).textContent || "").trim();
      await queue("approval", { entry: match[2], version: version ? version.value : "" },
        fill(T.approvalLabel, { student: text(".review-entry__who"),
          day: text(".review-entry__head strong") }));
      const button = form.querySelector("button[name=approve]");
      if (button) button.disabled = true;
      notice(T.queued);
    });
  }

  function catchLogout(form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await sync();
      const waiting = signedIn ? (await writesOf(signedIn)).filter((w) => w.status === "pending")
        : [];
      // eslint-disable-next-line no-alert
      if (waiting.length && !window.confirm(T.logoutConfirm)) return;
      await forget(); // a shared phone keeps nothing of the one who signed out
      form.submit();
    });
  }

  // --- the offline shell --------------------------------------------------------------------

  function shellDay(day, snapshot, waiting) {
    const section = el("section", { class: "diary-day", "data-date": day.date },
      el("div", { class: "diary-day__head" }, el("h3", {}, day.label),
        day.entry ? el("span", { class: "badge" }, day.entry.status_label) : null));
    if (day.entry) {
      section.append(el("p", { class: "diary-day__hours-read" }, hours(day.entry.hours)),
        el("p", { class: "prose diary-day__activity" }, day.entry.activity));
    } else if (!day.open) {
      section.append(el("p", { class: "muted" }, T.noEntry));
    }
    if (day.open) {
      const id = `offline-${day.date}`;
      const hoursInput = el("input", { id: `${id}-hours`, class: "field__input diary-day__hours",
        type: "number", step: "0.5", min: "0", max: "24", inputmode: "decimal" });
      const activity = el("textarea", { id: `${id}-activity`, rows: "3", maxlength: "10000",
        class: "field__input diary-day__activity-input" });
      const typed = waiting[day.date];
      if (typed) {
        hoursInput.value = typed.hours;
        activity.value = typed.activity;
      } else if (day.entry) {
        hoursInput.value = String(day.entry.hours);
        activity.value = day.entry.activity;
      }
      const save = (submit) => async () => {
        if (!hoursInput.value.trim() || !activity.value.trim()) return;
        await queue("entry", {
          placement: String(snapshot.placement.id), work_date: day.date,
          hours: hoursInput.value.trim(), activity: activity.value.trim(),
          version: day.entry ? String(day.entry.version) : "", submit: submit ? "1" : "",
        }, fill(T.entryLabel, { day: day.label }));
        notice(T.queued);
      };
      const saveButton = el("button", { type: "button", class: "button" }, T.save);
      const sendButton = el("button", { type: "button", class: "button button--primary" },
        T.send);
      saveButton.addEventListener("click", save(false));
      sendButton.addEventListener("click", save(true));
      section.append(
        el("div", { class: "field" }, el("label", { class: "field__label", for: hoursInput.id },
          T.hours, el("span", { class: "visually-hidden" }, ` ${day.short}`)), hoursInput),
        el("div", { class: "field" }, el("label", { class: "field__label", for: activity.id },
          T.activity, el("span", { class: "visually-hidden" }, ` ${day.short}`)), activity),
        el("p", { class: "offline-shell__actions" }, saveButton, " ", sendButton),
      );
    }
    return section;
  }

  function shellCard(card) {
    const sign = el("button", { type: "button", class: "button button--primary" }, T.sign,
      el("span", { class: "visually-hidden" }, ` ${card.short}`));
    sign.addEventListener("click", async () => {
      await queue("approval", { entry: String(card.id), version: String(card.version) },
        fill(T.approvalLabel, { student: card.student, day: card.label }));
      sign.disabled = true;
      notice(T.queued);
    });
    return el("section", { class: "diary-day" },
      el("div", { class: "diary-day__head" }, el("h3", {}, `${card.student} — ${card.label}`)),
      el("p", { class: "diary-day__hours-read" }, hours(card.hours)),
      el("p", { class: "prose" }, card.activity), sign);
  }

  async function renderShell() {
    const view = document.querySelector("[data-offline-view]");
    const snapshot = await snapshotOf();
    if (!view) return;
    if (!snapshot) { view.replaceChildren(el("p", { class: "empty" }, T.noSnapshot)); return; }
    const kept = document.querySelector("[data-offline-kept]");
    if (kept && snapshot.keptAt) {
      kept.textContent = fill(T.keptAt, { when: new Date(snapshot.keptAt).toLocaleString(
        document.documentElement.lang) });
    }
    const parts = [];
    if (snapshot.role === "student" && snapshot.week) {
      const waiting = {};
      (await writesOf(snapshot.user)).forEach((w) => {
        if (w.kind === "entry" && w.status === "pending") waiting[w.payload.work_date] = w.payload;
      });
      parts.push(el("h2", {}, snapshot.week.title), el("div", { class: "diary-days" },
        snapshot.days.map((d) => shellDay(d, snapshot, waiting))));
    } else if (snapshot.role === "mentor") {
      parts.push(el("h2", {}, T.queueTitle), snapshot.queue.length
        ? el("div", { class: "diary-days" }, snapshot.queue.map(shellCard))
        : el("p", { class: "empty" }, T.emptyQueue));
    }
    view.replaceChildren(...parts);
  }

  // --- start --------------------------------------------------------------------------------

  document.querySelectorAll("form.diary-week").forEach(catchDiary);
  document.querySelectorAll("form[action*='/review/']").forEach(catchReview);
  document.querySelectorAll("form[action$='/logout']").forEach(catchLogout);
  window.addEventListener("online", () => { sync().then(keepSnapshot); });
  window.addEventListener("offline", () => render());
  (async () => {
    if (shellPage) await renderShell();
    await render();
    await sync();
    await keepSnapshot();
  })();
})();
