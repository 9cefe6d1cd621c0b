// Works without signal. Registers the service worker; keeps the trainee's current week or the
// foreman's queue on the phone (IndexedDB through `idb`, vendored); without a connection the
// diary's and the review queue's forms are kept on the phone as queued writes, each with a key
// made once, and sent when the connection returns — with the photos taken for the day, made
// smaller on the phone first. Every page works without this script.
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

  async function queue(kind, payload, label, photos = []) {
    const user = await owner();
    if (!user) return;
    const write = {
      key: newKey(), user, kind, payload, label, photos, status: "pending", created: Date.now(),
    };
    const db = await dbReady;
    if (kind === "entry") {
      // A day typed again before it was sent: the newer text replaces the one not yet sent,
      // and the photos taken for it stay with it.
      for (const older of await writesOf(user)) {
        if (older.kind === "entry" && older.status === "pending"
            && older.payload.placement === payload.placement
            && older.payload.work_date === payload.work_date) {
          write.payload.submit = payload.submit || older.payload.submit;
          write.photos = [...(older.photos || []), ...photos];
          await db.delete("writes", older.key);
        }
      }
    }
    await db.put("writes", write);
    await render();
    sync();
  }

  // --- photos taken without signal ------------------------------------------------------------

  const LIMITS = {
    bytes: Number(T.maxBytes) || 0,
    side: Number(T.maxSide) || 2048,
    perEntry: Number(T.perEntry) || 0,
    request: Number(T.maxRequest) || 0,
  };

  // A photo made as small as the server would keep it (longest side capped, re-encoded as
  // JPEG, which also drops the camera's location data); the file itself if the phone can't.
  async function shrink(file) {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
      const scale = Math.min(1, LIMITS.side / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      const blob = await new Promise((resolve) => { canvas.toBlob(resolve, "image/jpeg", 0.85); });
      if (blob) return { name: file.name.replace(/\.[^.]*$/, "") + ".jpg", blob };
    } catch (error) { /* not a picture the phone can read: the server judges it */ }
    return { name: file.name, blob: file };
  }

  // The photos chosen for a day, checked against the limits before they are kept; null (and
  // the reason shown beside the field) if they can't all go with the day.
  async function photosOf(field, waiting = []) {
    const input = field && field.querySelector("input[type=file]");
    if (!input || !input.files.length) return [];
    const photos = [];
    for (const file of input.files) photos.push(await shrink(file));
    const all = [...waiting, ...photos];
    const total = all.reduce((sum, photo) => sum + photo.blob.size, 0);
    const big = photos.find((photo) => LIMITS.bytes && photo.blob.size > LIMITS.bytes);
    let message = "";
    if (big) message = fill(T.photoTooBig, { name: big.name });
    else if (LIMITS.perEntry && all.length > LIMITS.perEntry) message = T.photoTooMany;
    else if (LIMITS.request && total > LIMITS.request - 65536) message = T.photoTooMuch;
    // The reason, beside the field (made only when there is one: no empty alerts on the page).
    let error = field.querySelector("[data-offline-photo-error]");
    if (message && !error) {
      error = el("p", { class: "field__error", role: "alert", "data-offline-photo-error": "" });
      field.append(error);
    }
    if (error && !message) error.remove();
    if (message) { error.textContent = message; return null; }
    input.value = "";
    return photos;
  }

  async function waitingPhotos(placement, day) {
    const user = await owner();
    if (!user) return [];
    const pending = (await writesOf(user)).find((w) => w.kind === "entry"
      && w.status === "pending" && w.payload.placement === placement
      && w.payload.work_date === day);
    return (pending && pending.photos) || [];
  }

  function photoField(id, short) {
    const input = el("input", { id, type: "file", class: "field__input", accept: "image/*",
      capture: "environment", multiple: "", "aria-describedby": `${id}-hint` });
    return el("div", { class: "field offline-photos", "data-offline-photos": "" },
      el("label", { class: "field__label", for: id }, T.photos,
        el("span", { class: "visually-hidden" }, ` ${short}`)),
      input,
      el("p", { class: "field__hint", id: `${id}-hint` }, T.photoHint));
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

  // The write as the server takes it: JSON, or a form carrying the day's photos.
  function bodyOf(write) {
    const fields = { key: write.key, kind: write.kind, ...write.payload };
    if (!(write.photos || []).length) {
      return { body: JSON.stringify(fields), headers: { "Content-Type": "application/json" } };
    }
    const form = new FormData();
    Object.entries(fields).forEach(([name, value]) => form.append(name, value));
    write.photos.forEach((photo) => form.append("photos", photo.blob, photo.name));
    return { body: form, headers: {} };
  }

  async function send(write) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const { body, headers } = bodyOf(write);
      const response = await fetch("/offline/writes", {
        method: "POST",
        credentials: "same-origin",
        headers: { ...headers, "X-CSRFToken": token },
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
    const photos = (write.photos || []).length;
    item.append(el("span", { class: "offline-write__label" }, write.label || ""),
      photos ? ` · ${fill(T.photoCount, { count: photos })}` : "", " — ",
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
      if (write.status === "refused" && photos) {
        // A photo the server would not take: the day can still go, as a new write, without it.
        const without = el("button", { type: "button", class: "button button--small" },
          T.withoutPhotos);
        without.addEventListener("click", async () => {
          await (await dbReady).delete("writes", write.key);
          await queue(write.kind, { ...write.payload }, write.label);
        });
        item.append(" ", without);
      }
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

  // Without signal each open day of the week also takes photos from the camera; they go with
  // the day when it is saved (online the page's own "Photos and documents" link does that).
  function offerPhotos(form) {
    form.querySelectorAll(".diary-day--open[data-date]").forEach((section) => {
      let field = section.querySelector("[data-offline-photos]");
      if (!field) {
        const heading = section.querySelector("h3");
        field = photoField(`offline-photos-${section.dataset.date}`,
          section.dataset.short || (heading ? heading.textContent.trim() : ""));
        const activity = section.querySelector("textarea");
        const after = activity ? activity.closest(".field") : null;
        if (after) after.after(field); else section.append(field);
      }
      const chosen = field.querySelector("input[type=file]").files.length > 0;
      field.hidden = navigator.onLine && !chosen;
    });
  }

  function catchDiary(form) {
    const match = (form.getAttribute("action") || "").match(/\/diary\/(\d+)/);
    if (!match) return;
    offerPhotos(form);
    window.addEventListener("offline", () => offerPhotos(form));
    window.addEventListener("online", () => offerPhotos(form));
    form.addEventListener("submit", async (event) => {
      const chosen = [...form.querySelectorAll("[data-offline-photos] input[type=file]")]
        .some((input) => input.files.length > 0);
      if (navigator.onLine && !chosen) return;
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
        const field = section.querySelector("[data-offline-photos]");
        const picked = field && field.querySelector("input[type=file]").files.length > 0;
        if (!hoursInput.value.trim() || !activity.value.trim()
            || !(changed || submit || picked)) continue;
        const photos = await photosOf(field, await waitingPhotos(match[1], day));
        if (photos === null) continue; // the reason is shown beside the photos
        await queue("entry", {
          placement: match[1], work_date: day, hours: hoursInput.value.trim(),
          activity: activity.value.trim(), version: version ? version.value : "",
          submit: submit ? "1" : "",
        }, dayLabel(section), photos);
        hoursInput.defaultValue = hoursInput.value;
        activity.defaultValue = activity.value;
        queued += 1;
      }
      notice(queued ? (navigator.onLine ? T.sending : T.queued) : T.nothing);
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
      const photoBox = photoField(`${id}-photos`, day.short);
      const save = (submit) => async () => {
        if (!hoursInput.value.trim() || !activity.value.trim()) return;
        const placement = String(snapshot.placement.id);
        const photos = await photosOf(photoBox, await waitingPhotos(placement, day.date));
        if (photos === null) return; // the reason is shown beside the photos
        await queue("entry", {
          placement, work_date: day.date,
          hours: hoursInput.value.trim(), activity: activity.value.trim(),
          version: day.entry ? String(day.entry.version) : "", submit: submit ? "1" : "",
        }, fill(T.entryLabel, { day: day.label }), photos);
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
        photoBox,
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
