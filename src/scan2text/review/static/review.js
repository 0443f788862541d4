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

  if (who) {
    who.value = localStorage.getItem(KEY) || "";
    who.addEventListener("change", () => localStorage.setItem(KEY, who.value.trim()));
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
    banner("Type your name in the Reviewer box (top right) first: every change is saved under a name.", "error");
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
    input.addEventListener("focus", () => highlight(input.dataset.line));
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
    if (thenNext) location.href = "/next";
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
