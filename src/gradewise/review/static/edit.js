// gradewise review pages: the rubric editor (part page) and moving pieces (student page).
// One change at a time; the server checks versions and answers with what it did. Every
// button also answers Enter and Space, so it all works from the keyboard.
"use strict";

(() => {
  const banner = document.getElementById("banner");
  const STATUS_KEY = "gradewise-status"; // a message to show once the page has reloaded

  function showBanner(message, needsReload) {
    document.getElementById("banner-text").textContent = message;
    document.getElementById("reload").hidden = !needsReload;
    banner.hidden = false;
  }

  async function post(url, body) {
    const token = document.querySelector('meta[name="csrf-token"]');
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (token) headers["X-CSRF-Token"] = token.content;
    let response;
    try {
      response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
    } catch (err) {
      showBanner("The server did not answer: is 'gradewise review serve' still running?", false);
      return null;
    }
    const data = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
    if (!response.ok) {
      showBanner(data.error, response.status === 409);
      return null;
    }
    banner.hidden = true;
    return data;
  }

  function reloadSaying(message) {
    sessionStorage.setItem(STATUS_KEY, message);
    location.reload();
  }

  const said = sessionStorage.getItem(STATUS_KEY);
  const status = document.getElementById("status");
  if (said && status) {
    status.textContent = said;
    sessionStorage.removeItem(STATUS_KEY);
  }

  // The rubric editor ------------------------------------------------------------------------
  const editor = document.getElementById("rubric-editor");
  if (editor) {
    const rows = Array.from(editor.querySelectorAll("tr.rubric-row[data-criterion]"));
    const fresh = document.getElementById("rubric-new");
    const impact = document.getElementById("rubric-impact");
    const saveButton = document.getElementById("rubric-save");
    let previewed = null; // the change the impact shown is about

    function edited(row) {
      const text = row.querySelector(".rubric-text").value.trim();
      const marks = row.querySelector(".rubric-marks").value.trim();
      const group = row.querySelector(".rubric-group").value.trim();
      const change = { op: "edit", criterion: row.dataset.criterion };
      if (text !== row.dataset.text) change.text = text;
      if (marks !== "" && Number(marks) !== Number(row.dataset.marks)) change.marks = Number(marks);
      if (group !== row.dataset.group) change.group = group; // "": out of its group
      return "text" in change || "marks" in change || "group" in change ? change : null;
    }

    function added() {
      const id = fresh.querySelector(".rubric-id").value.trim();
      const text = fresh.querySelector(".rubric-text").value.trim();
      const marks = fresh.querySelector(".rubric-marks").value.trim();
      const group = fresh.querySelector(".rubric-group").value.trim();
      if (!id && !text && !marks) return null;
      return { op: "add", criterion: id, text, marks: marks === "" ? null : Number(marks), ...(group ? { group } : {}) };
    }

    function changes() {
      const found = rows
        .map((row) => (row.classList.contains("delete") ? { op: "delete", criterion: row.dataset.criterion } : edited(row)))
        .filter(Boolean);
      const extra = added();
      return extra ? [...found, extra] : found;
    }

    function forget() {
      previewed = null;
      saveButton.disabled = true;
      impact.textContent = "";
      for (const row of rows) row.classList.toggle("changed", edited(row) !== null);
    }

    async function preview() {
      const found = changes();
      if (found.length !== 1) {
        showBanner(
          found.length
            ? `One change at a time: ${found.length} are waiting; undo all but one (reload to start again).`
            : "Change a criterion's text, marks or group, delete one, or fill in the new row first.",
          false,
        );
        return;
      }
      const data = await post(editor.dataset.previewUrl, { version: editor.dataset.version, change: found[0] });
      if (!data) return;
      previewed = found[0];
      impact.textContent = data.message;
      saveButton.disabled = false;
      saveButton.focus();
    }

    async function save() {
      if (!previewed) return;
      const why = document.getElementById("rubric-why").value.trim();
      const data = await post(editor.dataset.saveUrl, { version: editor.dataset.version, change: previewed, why });
      if (data) reloadSaying(data.message);
    }

    editor.addEventListener("input", forget);
    editor.addEventListener("click", (e) => {
      const button = e.target.closest("button");
      if (!button) return;
      if (button.matches(".rubric-delete")) {
        const row = button.closest("tr");
        row.classList.toggle("delete");
        button.textContent = row.classList.contains("delete") ? "Keep" : "Delete";
        forget();
        if (row.classList.contains("delete")) preview();
      } else if (button.matches(".rubric-add") || button.id === "rubric-preview") preview();
      else if (button.id === "rubric-save") save();
    });
    editor.addEventListener("keydown", (e) => {
      // Enter in a field previews the change (and a second Enter, on Save, saves it).
      if (e.key === "Enter" && e.target.matches("input")) {
        e.preventDefault();
        e.stopPropagation();
        preview();
      }
    });
  }

  // Moving pieces on the student page ---------------------------------------------------------
  const script = document.getElementById("student");
  if (script) {
    script.addEventListener("click", async (e) => {
      const button = e.target.closest("button.move-button");
      if (!button) return;
      const piece = button.closest("article.piece");
      const target = piece.querySelector("select.move-to").value;
      if (target === piece.dataset.part) {
        showBanner(`That piece is in ${target} already: choose another part.`, false);
        return;
      }
      const data = await post(script.dataset.moveUrl, {
        piece: Number(piece.dataset.piece),
        part: target,
        version: Number(script.dataset.version),
        why: piece.querySelector("input.why").value.trim(),
      });
      if (data) reloadSaying(data.message);
    });
  }
})();
