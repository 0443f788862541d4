// scan2text review: in-place editing of lines and fields, keyboard navigation, conflict display.
// Plain JS, no build step, no network but this app's own API.
(() => {
  "use strict";
  const $ = (sel, el = document) => el.querySelector(sel);
  const $$ = (sel, el = document) => Array.from(el.querySelectorAll(sel));
  const KEY = "scan2text.reviewer";
  const who = $("#reviewer");
  const pageEl = $("#page");
  const pageId = pageEl ? pageEl.dataset.page : null;
  const csrfMeta = $('meta[name="csrf-token"]');
  const csrfToken = csrfMeta ? csrfMeta.content : "";

  // The reviewer's name is kept as it is typed (localStorage, and a cookie the server puts back in the box),
  // so it is asked for once per browser, not once per page.
  function keepName(name) {
    localStorage.setItem(KEY, name);
    document.cookie = `scan2text_reviewer=${encodeURIComponent(name)}; path=/; max-age=31536000; samesite=strict`;
  }
  let returnTo = null;  // the line to go back to once a name is given
  if (who) {
    who.value = localStorage.getItem(KEY) || who.value || "";
    if (who.value) keepName(who.value.trim());
    who.addEventListener("input", () => keepName(who.value.trim()));
    who.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && who.value.trim()) {
        ev.preventDefault();
        keepName(who.value.trim());
        clearBanner();
        if (returnTo) returnTo.focus();
      }
    });
  }
  const author = () => (who ? who.value.trim() : "") || localStorage.getItem(KEY) || "";

  function banner(message, kind) {
    const b = $("#banner");
    b.textContent = message;
    b.className = "banner " + (kind || "info");
    b.hidden = false;
  }
  function clearBanner() {
    const b = $("#banner");
    b.hidden = true;
    b.textContent = "";
  }
  function needAuthor() {
    if (author()) return true;
    banner("Type your name in the Reviewer box (top right) and press Enter: every change is saved under a name. " +
           "It is remembered in this browser.", "error");
    if (/^(INPUT|TEXTAREA)$/.test(document.activeElement.tagName) && document.activeElement !== who) {
      returnTo = document.activeElement;
    }
    if (who) who.focus();
    return false;
  }

  async function post(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
    } catch (err) {
      return { status: 0, data: { error: "The review server did not answer: " + err } };
    }
    let data = {};
    try { data = await response.json(); } catch (err) { data = {}; }
    if (response.status === 422 && Array.isArray(data.detail)) {
      data = { error: data.detail.map((d) => d.msg).join("; ") };
    }
    return { status: response.status, data };
  }

  // Saves of one input run one after another, so a blur during a save cannot race it.
  function serial(input, task) {
    const run = (input._chain || Promise.resolve(true)).then(task, task);
    input._chain = run.catch(() => false);
    return run;
  }

  // --- the scan: zoom and pan (Panzoom), cleaned or original, boxes on or off -----------------
  const viewer = (() => {
    const stage = $("#stage");
    const none = { reveal() {} };
    if (!stage || typeof Panzoom === "undefined") return none;
    const zooms = new Map();  // pane name -> Panzoom instance, made when first shown
    let pane = null;
    const VIEW = "scan2text.view";
    const prefs = JSON.parse(localStorage.getItem(VIEW) || "{}");
    const wrapOf = (name) => $(`.imgwrap[data-pane="${name}"]`, stage);
    const size = (wrap) => [parseFloat(wrap.style.width), parseFloat(wrap.style.height)];
    const level = $("#zoom-level");
    const save = () => localStorage.setItem(VIEW, JSON.stringify(prefs));

    function zoomOf(name) {
      if (!zooms.has(name)) {
        const wrap = wrapOf(name);
        const pz = Panzoom(wrap, { canvas: true, origin: "0 0", minScale: 0.05, maxScale: 8, step: 0.25,
                                   cursor: "", disableZoom: false });
        wrap.addEventListener("panzoomchange", () => { if (wrap === wrapOf(pane)) shown(); });
        zooms.set(name, pz);
      }
      return zooms.get(name);
    }
    function shown() {
      const pz = zoomOf(pane);
      if (level) level.textContent = `${Math.round(pz.getScale() * 100)}%`;
    }
    // Fit the page's width (or all of it) in the stage, from the top.
    function fit(whole) {
      const wrap = wrapOf(pane);
      if (!wrap) return;
      const [w, h] = size(wrap);
      const sw = stage.clientWidth, sh = stage.clientHeight;
      const scale = whole ? Math.min(sw / w, sh / h) : sw / w;
      const pz = zoomOf(pane);
      pz.zoom(scale, { animate: false, force: true });
      pz.pan((sw - w * scale) / 2 / scale, whole ? (sh - h * scale) / 2 / scale : 0, { animate: false, force: true });
      stage.dataset.fitted = pane;
      shown();
    }
    function zoomBy(factor) {
      const pz = zoomOf(pane);
      const rect = stage.getBoundingClientRect();
      pz.zoomToPoint(pz.getScale() * factor, { clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2 },
                     { animate: false });
      shown();
    }
    function show(name) {
      if (!wrapOf(name)) return;
      const first = !zooms.has(name);
      pane = name;
      for (const el of $$("[data-pane]", stage)) el.hidden = el.dataset.pane !== name;
      for (const tab of $$(".tab")) tab.setAttribute("aria-pressed", String(tab.dataset.pane === name));
      zoomOf(name);
      if (first) setTimeout(() => fit(false));  // after Panzoom's own deferred start pan
      shown();
      prefs.pane = name;
      save();
    }
    // Keep the line being corrected in sight: centre it when it is outside the stage.
    function reveal(lineId) {
      const wrap = wrapOf(pane);
      const shape = wrap && $(`polygon.line[data-line="${CSS.escape(lineId)}"]`, wrap);
      if (!shape) return;
      const box = shape.getBBox();
      const pz = zoomOf(pane);
      const scale = pz.getScale(), pan = pz.getPan();
      const sw = stage.clientWidth, sh = stage.clientHeight;
      const top = (box.y + pan.y) * scale, bottom = (box.y + box.height + pan.y) * scale;
      const left = (box.x + pan.x) * scale, right = (box.x + box.width + pan.x) * scale;
      if (top >= 0 && bottom <= sh && left >= 0 && right <= sw) return;
      const x = box.width * scale <= sw ? sw / 2 / scale - (box.x + box.width / 2) : -box.x + 10 / scale;
      pz.pan(x, sh / 2 / scale - (box.y + box.height / 2), { animate: true });
    }

    stage.addEventListener("wheel", (ev) => { zoomOf(pane).zoomWithWheel(ev); shown(); }, { passive: false });
    for (const tab of $$(".tab")) tab.addEventListener("click", () => show(tab.dataset.pane));
    $("#zoom-in").addEventListener("click", () => zoomBy(1.25));
    $("#zoom-out").addEventListener("click", () => zoomBy(0.8));
    $("#zoom-width").addEventListener("click", () => fit(false));
    $("#zoom-fit").addEventListener("click", () => fit(true));
    const toggles = { "show-lines": ["no-lines", false], "show-words": ["show-words", true] };
    for (const [id, [cls, whenOn]] of Object.entries(toggles)) {
      const box = $("#" + id);
      if (prefs[id] !== undefined) box.checked = prefs[id];
      const apply = () => { stage.classList.toggle(cls, box.checked === whenOn); prefs[id] = box.checked; save(); };
      box.addEventListener("change", apply);
      apply();
    }
    document.addEventListener("keydown", (ev) => {
      if (/^(INPUT|TEXTAREA)$/.test(document.activeElement.tagName) || ev.ctrlKey || ev.altKey || ev.metaKey) return;
      if (ev.key === "+" || ev.key === "=") zoomBy(1.25);
      else if (ev.key === "-") zoomBy(0.8);
      else if (ev.key === "0") fit(false);
    });
    show(prefs.pane && wrapOf(prefs.pane) ? prefs.pane : ($(".tab")?.dataset.pane || "original"));
    return { reveal };
  })();

  // The focused line's strip of the cleaned image, beside its text, at a readable size: a long line is
  // cut into up to three pieces, one under the other, rather than shrunk until its letters are specks.
  function showCrop(row) {
    const crop = row && $(".crop", row);
    const url = pageEl && pageEl.dataset.clean;
    if (!crop || !url || !row.dataset.box) return;
    const [x, y, w, h] = row.dataset.box.split(" ").map(Number);
    const [iw, ih] = pageEl.dataset.cleanSize.split(" ").map(Number);
    const pad = Math.round(h * 0.25);
    const width = Math.max(50, $(".line-input", row).clientWidth);
    const READABLE = 26;  // px of line height on screen
    const pieces = Math.min(3, Math.max(1, Math.ceil(READABLE / (h * width / (w + 2 * pad)))));
    const step = Math.ceil(w / pieces);
    crop.replaceChildren();
    for (let i = 0; i < pieces; i++) {
      const px = x + i * step - pad, pw = Math.min(step, x + w - (x + i * step)) + 2 * pad;
      const scale = Math.min(width / pw, 110 / (h + 2 * pad), 3);
      const part = document.createElement("div");
      Object.assign(part.style, {
        width: `${Math.round(pw * scale)}px`, height: `${Math.round((h + 2 * pad) * scale)}px`,
        backgroundImage: `url("${url}")`, backgroundSize: `${iw * scale}px ${ih * scale}px`,
        backgroundPosition: `${-px * scale}px ${-(y - pad) * scale}px`, backgroundRepeat: "no-repeat",
      });
      crop.append(part);
    }
    crop.classList.add("ready");
  }

  // --- lines --------------------------------------------------------------------------------
  const lineInputs = () => $$(".line-input");
  const rowOf = (input) => input.closest(".line");

  // `confirm`: Enter on an unchanged line marked for review saves it as checked.
  function saveLine(input, confirm = false) {
    return serial(input, async () => {
      const row = rowOf(input);
      const dirty = input.value !== input.dataset.saved;
      if (!dirty && !(confirm && row.classList.contains("needs-review"))) return true;
      // After a refused save only an explicit Enter may replace the other reviewer's text.
      if (row.classList.contains("conflict") && !confirm) return false;
      if (!needAuthor()) return false;
      const { status, data } = await post("/api/line", {
        page_id: pageId, line_id: input.dataset.line, text: input.value,
        version: Number(input.dataset.version), author: author(),
      });
      if (status === 200) {
        input.dataset.version = data.version;
        input.dataset.saved = data.text;
        input.value = data.text;
        delete input.dataset.theirs;
        row.classList.remove("needs-review", "conflict");
        $(".line-msg", row).textContent = "";
        if (data.corrected) row.classList.add("corrected");
        row.classList.add("saved");
        setTimeout(() => row.classList.remove("saved"), 800);
        if (!$(".line.conflict")) clearBanner();
        if (data.documents_changed) {
          banner("Saved. The documents on this page were re-read from the corrected text: reload the page " +
                 "(F5) before editing their fields.", "info");
        }
        markUnapproved();
        return true;
      }
      if (status === 409) {
        row.classList.add("conflict");
        input.dataset.version = data.current_version;
        input.dataset.theirs = data.current_value ?? "";
        banner(`Not saved — ${data.error}. Their text: “${data.current_value ?? ""}”. Your text is still in the box: ` +
               "press Enter again to replace theirs with yours, or Esc to take theirs.", "conflict");
        $(".line-msg", row).textContent = `Not saved: ${data.author || "someone"} changed this line to ` +
          `“${data.current_value ?? ""}”. Enter = replace with yours · Esc = take theirs`;
        return false;
      }
      banner(`Line ${input.dataset.line} not saved: ${data.error || "error " + status}`, "error");
      return false;
    });
  }

  function focusLine(index) {
    const inputs = lineInputs();
    if (!inputs.length) return;
    const input = inputs[Math.max(0, Math.min(index, inputs.length - 1))];
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  function highlight(lineId) {
    $$(".overlay .active").forEach((el) => el.classList.remove("active"));
    $$(`.overlay [data-line="${CSS.escape(lineId)}"]`).forEach((el) => el.classList.add("active"));
  }

  for (const input of lineInputs()) {
    input.addEventListener("focus", () => {
      highlight(input.dataset.line);
      showCrop(rowOf(input));
      viewer.reveal(input.dataset.line);
    });
    input.addEventListener("change", () => saveLine(input));
    input.addEventListener("keydown", async (ev) => {
      const inputs = lineInputs();
      const at = inputs.indexOf(input);
      if (ev.key === "Enter" && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();
        if (await saveLine(input, true)) {
          if (ev.shiftKey) focusLine(at - 1);
          else if (at < inputs.length - 1) focusLine(at + 1);
        }
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        if (input.dataset.theirs !== undefined) {
          input.dataset.saved = input.dataset.theirs;
          delete input.dataset.theirs;
          rowOf(input).classList.remove("conflict");
          rowOf(input).classList.add("corrected");
          $(".line-msg", rowOf(input)).textContent = "";
          if (!$(".line.conflict")) clearBanner();
        }
        input.value = input.dataset.saved;
      } else if (ev.key === "ArrowDown" && !ev.altKey) {
        ev.preventDefault();
        focusLine(at + 1);
      } else if (ev.key === "ArrowUp" && !ev.altKey) {
        ev.preventDefault();
        focusLine(at - 1);
      }
    });
  }

  if (!CSS.supports("field-sizing", "content")) {
    const grow = (el) => { el.style.height = "auto"; el.style.height = `${el.scrollHeight + 2}px`; };
    for (const input of lineInputs()) { grow(input); input.addEventListener("input", () => grow(input)); }
  }

  for (const shape of $$(".overlay [data-line]")) {
    shape.addEventListener("click", () => {
      const input = $(`.line-input[data-line="${CSS.escape(shape.dataset.line)}"]`);
      if (input) input.focus();
    });
  }

  // --- record fields ------------------------------------------------------------------------
  function saveField(input, confirm = false) {
    return serial(input, async () => {
      const label = input.closest(".field");
      const error = $(".field-error", label);
      if (input.value === input.dataset.saved && !(confirm && label.classList.contains("needs-review"))) return true;
      if (label.classList.contains("conflict") && !confirm) return false;
      if (!needAuthor()) return false;
      const { status, data } = await post("/api/field", {
        record_id: input.dataset.record, field: input.dataset.field, value: input.value,
        version: Number(input.dataset.version), author: author(),
      });
      if (status === 200) {
        const value = data.value === null || data.value === undefined ? "" : String(data.value);
        input.dataset.version = data.version;
        input.dataset.saved = value;
        input.value = value;
        error.textContent = "";
        delete input.dataset.theirs;
        label.classList.remove("invalid", "needs-review", "conflict");
        label.classList.add("corrected", "saved");
        setTimeout(() => label.classList.remove("saved"), 800);
        return true;
      }
      label.classList.add(status === 409 ? "conflict" : "invalid");
      if (status === 409) {
        input.dataset.version = data.current_version;
        input.dataset.theirs = data.current_value === null || data.current_value === undefined ? "" : String(data.current_value);
      }
      error.textContent = data.error || "error " + status;
      banner(`${input.dataset.field} not saved: ${data.error || "error " + status}` +
             (status === 409 ? " — press Enter again to replace it with yours." : ""), status === 409 ? "conflict" : "error");
      return false;
    });
  }

  for (const input of $$(".field-input")) {
    input.addEventListener("change", () => saveField(input));
    input.addEventListener("keydown", async (ev) => {
      if (ev.key === "Enter" && !ev.ctrlKey && !ev.metaKey) {
        ev.preventDefault();
        if (await saveField(input, true)) {
          const inputs = $$(".field-input");
          const next = inputs[inputs.indexOf(input) + 1];
          if (next) next.focus();
        }
      } else if (ev.key === "Escape") {
        input.closest(".field").classList.remove("conflict", "invalid");
        if (input.dataset.theirs !== undefined) {
          input.dataset.saved = input.dataset.theirs;
          delete input.dataset.theirs;
        }
        input.value = input.dataset.saved;
      }
    });
  }

  // --- approval and navigation --------------------------------------------------------------
  async function savePending() {
    const inputs = [...lineInputs().map((i) => saveLine(i)), ...$$(".field-input").map((i) => saveField(i))];
    const results = await Promise.all(inputs);
    return results.every(Boolean);
  }

  function markUnapproved() {
    const badge = $("#approval");
    if (badge && badge.classList.contains("ok")) {
      badge.classList.remove("ok");
      badge.textContent = "not approved (changed)";
    }
  }

  async function approvePage(thenNext) {
    if (!pageId || !needAuthor()) return;
    if (!(await savePending())) return;
    const { status, data } = await post("/api/approve", { page_id: pageId, author: author() });
    if (status !== 200) {
      banner(`Not approved: ${data.error || "error " + status}`, "error");
      return;
    }
    const badge = $("#approval");
    badge.classList.add("ok");
    badge.textContent = "approved by " + author();
    $$(".line.needs-review").forEach((row) => row.classList.remove("needs-review"));
    // On to the page that came next in the queue when this one was opened (approved, this one now sorts
    // last), or the first unapproved one after it; past the end, the first left unapproved.
    if (thenNext) location.href = "/next?start=" + encodeURIComponent(pageEl.dataset.nextId || "");
  }

  async function go(url) {
    if (!url) return;
    if (await savePending()) location.href = url;
  }

  const approveButton = $("#approve");
  if (approveButton) approveButton.addEventListener("click", () => approvePage(false));
  for (const link of $$(".pagebar .nav")) {
    link.addEventListener("click", (ev) => {
      ev.preventDefault();
      go(link.classList.contains("disabled") ? "" : link.getAttribute("href"));
    });
  }
  for (const button of $$(".approve-record")) {
    button.addEventListener("click", async () => {
      if (!needAuthor()) return;
      const { status, data } = await post("/api/approve", { record_id: button.dataset.record, author: author() });
      if (status === 200) banner(`Document ${button.dataset.record} approved.`, "info");
      else banner(`Not approved: ${data.error || "error " + status}`, "error");
    });
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.altKey && ev.key === "ArrowRight" && pageEl) {
      ev.preventDefault();
      go(pageEl.dataset.next);
    } else if (ev.altKey && ev.key === "ArrowLeft" && pageEl) {
      ev.preventDefault();
      go(pageEl.dataset.prev);
    } else if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter" && pageEl) {
      ev.preventDefault();
      approvePage(true);
    } else if (ev.key === "/" && !/^(INPUT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      ev.preventDefault();
      $("#search").focus();
    }
  });

  // Start where the work is: the line named in the URL, else the first line to check.
  if (pageEl) {
    const named = location.hash.startsWith("#line-") && $(`.line-input[data-line="${CSS.escape(location.hash.slice(6))}"]`);
    const first = named || $(".line.needs-review .line-input") || $(".line.c-low .line-input") || lineInputs()[0];
    if (first) first.focus();
  }
})();
