// gradewise review pages: keyboard-first marking. No libraries; the server holds the truth,
// this script only sends marks (with the version each answer was shown at) and shows replies.
"use strict";

(() => {
  const help = document.getElementById("help");
  const banner = document.getElementById("banner");
  const part = document.getElementById("part");
  // With login on, every change carries the session's CSRF token, which the server checks.
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content;

  function toggleHelp(show) {
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) document.getElementById("help-close").focus();
  }

  function showBanner(message, needsReload) {
    document.getElementById("banner-text").textContent = message;
    document.getElementById("reload").hidden = !needsReload;
    banner.hidden = false;
  }

  document.getElementById("help-button").addEventListener("click", () => toggleHelp());
  document.getElementById("help-close").addEventListener("click", () => toggleHelp(false));
  document.getElementById("reload").addEventListener("click", () => location.reload());
  document.getElementById("banner-close").addEventListener("click", () => (banner.hidden = true));

  if (!part) {
    for (const section of document.querySelectorAll("section.regrade")) regradeForm(section);
    document.addEventListener("keydown", (e) => {
      if (e.target.matches("input, textarea, select")) return; // a "?" typed in an answer
      if (e.key === "?") toggleHelp();
      else if (e.key === "Escape") toggleHelp(false);
    });
    return;
  }

  // A regrade request's form: the answer, and the mark kept, the proposal, or items ticked.
  function regradeForm(section) {
    const form = section.querySelector("form.resolve");
    const choose = (value) => (form.querySelector(`input[type="radio"][value="${value}"]`).checked = true);
    for (const box of form.querySelectorAll("input.item")) {
      box.addEventListener("change", () => {
        // Items sharing a group are exclusive: at most one of them applies.
        for (const other of form.querySelectorAll("input.item")) {
          if (box.checked && other !== box && other.dataset.group && other.dataset.group === box.dataset.group) other.checked = false;
        }
        choose("items");
      });
    }
    form.querySelector("textarea.reply").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const mark = form.querySelector('input[type="radio"]:checked').value;
      const body = {
        student: section.dataset.answer,
        version: Number(section.dataset.version),
        answer: form.querySelector("textarea.reply").value,
        mark,
      };
      if (mark === "items") body.items = Array.from(form.querySelectorAll("input.item:checked")).map((b) => b.value);
      const data = await post(`/part/${encodeURIComponent(section.dataset.part)}/regrade`, body);
      if (!data) return;
      const next = section.nextElementSibling?.closest("section.regrade");
      if (data.answer) section.querySelector("p.now").textContent = `The mark now: ${data.answer.score} of ${section.dataset.marks}, by hand.`;
      form.remove();
      section.classList.add("answered");
      const said = document.createElement("p");
      said.className = "answered";
      said.textContent = data.message;
      section.append(said);
      document.getElementById("status").textContent = data.message;
      next?.querySelector("textarea.reply").focus();
    });
  }

  const maxMarks = Number(part.dataset.marks);
  const cards = Array.from(part.querySelectorAll("article[data-answer]"));
  const undoButton = document.getElementById("undo");
  const undoStack = []; // each entry: the answers of one mark, as {student, version, score: old}
  let current = -1;

  const cardFor = (student) => cards.find((c) => c.dataset.answer === student);
  const round = (x) => Math.round(x * 1e6) / 1e6; // float sums: 0.1 + 0.2 is 0.3 here
  const show = (x) => String(Math.round(x * 100) / 100);

  function select(i) {
    if (!cards.length) return;
    i = Math.max(0, Math.min(cards.length - 1, i));
    if (current >= 0) {
      cards[current].classList.remove("current");
      cards[current].removeAttribute("aria-current");
    }
    current = i;
    cards[i].classList.add("current");
    cards[i].setAttribute("aria-current", "true");
    cards[i].scrollIntoView({ block: "nearest" });
  }

  function pressed(card) {
    return Array.from(card.querySelectorAll('button.criterion[aria-pressed="true"]'));
  }

  function composed(card) {
    const sum = pressed(card).reduce((total, b) => total + Number(b.dataset.marks), 0);
    const adjust = Number(card.querySelector("input.adjust").value || 0);
    return round(Math.min(maxMarks, Math.max(0, sum + adjust)));
  }

  function toggle(card, button) {
    const on = button.getAttribute("aria-pressed") !== "true";
    // Items sharing a group are exclusive: at most one of them applies.
    if (on && button.dataset.group) {
      for (const other of card.querySelectorAll("button.criterion")) {
        if (other.dataset.group === button.dataset.group) other.setAttribute("aria-pressed", "false");
      }
    }
    button.setAttribute("aria-pressed", String(on));
    card.querySelector("input.score").value = composed(card);
    card.dataset.how = "composed";
  }

  // What a save sends: the items on (with the adjustment, its reason and the comment), or a
  // plain score when one was typed, the part has no items, or a plain mark is saved again.
  function body(card) {
    const comment = card.querySelector("input.comment").value;
    const items = card.querySelectorAll("button.criterion").length > 0;
    const plain = card.dataset.how === "typed" || !items || (!card.dataset.how && card.dataset.plain === "true");
    if (plain) return { score: card.querySelector("input.score").value, comment };
    return {
      items: pressed(card).map((b) => b.dataset.criterion),
      adjust: card.querySelector("input.adjust").value,
      reason: card.querySelector("input.reason").value,
      comment,
    };
  }

  function why(card, size) {
    const typed = card.querySelector("input.why").value.trim();
    if (typed) return typed;
    const how = {
      composed: "items: " + (pressed(card).map((b) => b.dataset.criterion).join(", ") || "none"),
      typed: "typed score",
    }[card.dataset.how] || "saved as shown";
    return size > 1 ? `${how} (group of ${size})` : how;
  }

  async function post(url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          ...(csrf ? { "X-CSRF-Token": csrf } : {}),
        },
        body: JSON.stringify(body),
      });
    } catch (err) {
      showBanner("The server did not answer: is 'gradewise review serve' still running?", false);
      return null;
    }
    const data = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
    if (!response.ok) {
      // 409: marked by someone else; 401: the session ended. Reloading mends both.
      showBanner(data.error, response.status === 409 || response.status === 401);
      return null;
    }
    banner.hidden = true;
    return data;
  }

  function update(answers) {
    for (const a of answers) {
      const card = cardFor(a.student);
      if (!card) continue;
      const manual = a.manual_score !== null;
      card.dataset.version = a.version;
      card.querySelector(".manual-score").textContent = manual ? show(a.manual_score) : "—";
      card.querySelector("input.score").value = a.score;
      if (a.mark && a.mark.items.length) {
        for (const b of card.querySelectorAll("button.criterion")) {
          b.setAttribute("aria-pressed", String(a.mark.items.includes(b.dataset.criterion)));
        }
      }
      if (a.mark) {
        // What was saved, shown as saved: a comment from the library is in these fields now.
        const items = a.mark.by_items;
        card.querySelector("input.comment").value = a.mark.comment;
        card.querySelector("input.adjust").value = items && a.mark.adjustment ? a.mark.adjustment : "";
        card.querySelector("input.reason").value = items ? a.mark.reason : "";
      }
      card.dataset.plain = String(manual && !a.mark.by_items);
      card.dataset.marked = String(manual);
      const state = card.querySelector(".state");
      const waiting = !manual && card.dataset.needsReview === "true";
      state.textContent = manual ? "marked" : waiting ? "needs review" : "decided";
      state.className = "badge state " + (manual ? "manual" : waiting ? "review" : "decided");
      card.classList.toggle("pending", waiting);
      delete card.dataset.how;
    }
  }

  function done(data, targets) {
    update(data.answers);
    undoStack.push(data.answers.map((a) => ({ student: a.student, version: a.version, mark: a.old })));
    undoButton.disabled = false;
    document.getElementById("status").textContent = data.message;
    select(cards.indexOf(targets[targets.length - 1]) + 1);
  }

  const groupOf = (card) => cards.filter((c) => c.dataset.group === card.dataset.group);
  const named = (targets) =>
    targets.map((c) => ({ student: c.dataset.answer, version: Number(c.dataset.version) }));

  async function save(card, wholeGroup) {
    // Untouched and never marked: what is shown is the machine's proposal; take it as is.
    if (!card.dataset.how && card.dataset.marked !== "true" && card.querySelector("button.criterion")) {
      return accept(card, wholeGroup);
    }
    const targets = wholeGroup ? groupOf(card) : [card];
    const data = await post(part.dataset.markUrl, {
      answers: named(targets),
      ...body(card),
      why: why(card, targets.length),
    });
    if (data) done(data, targets);
  }

  async function accept(card, wholeGroup) {
    const targets = wholeGroup ? groupOf(card) : [card];
    const typed = card.querySelector("input.why").value.trim();
    const data = await post(part.dataset.acceptUrl, { answers: named(targets), ...(typed ? { why: typed } : {}) });
    if (data) done(data, targets);
  }

  // The part's comment library: the grader picks one by its number.
  const library = JSON.parse(part.dataset.comments || "[]");

  async function comment(card, wholeGroup) {
    if (!library.length) {
      showBanner("This part has no comments yet: add one with 'gradewise comments add'.", false);
      return;
    }
    const lines = library.map((c) => `${c.number}: ${c.text}` + (c.marks === null ? "" : ` (${c.marks > 0 ? "+" : ""}${c.marks})`));
    const typed = window.prompt("Give which comment?\n" + lines.join("\n"));
    if (typed === null || !typed.trim()) return;
    const number = Number(typed.trim());
    if (!library.some((c) => c.number === number)) {
      showBanner(`No comment ${typed.trim()} here: give one of the numbers listed.`, false);
      return;
    }
    const targets = wholeGroup ? groupOf(card) : [card];
    const data = await post(part.dataset.commentUrl, { answers: named(targets), number });
    if (data) done(data, targets);
  }

  async function undo() {
    const last = undoStack.pop();
    if (!last) return;
    const data = await post(part.dataset.undoUrl, { answers: last });
    if (!data) {
      undoStack.push(last); // still to undo once the page is reloaded or the conflict is gone
      return;
    }
    update(data.answers);
    // The answer is back where an earlier mark left it: that mark now undoes from here.
    for (const a of data.answers) {
      const earlier = undoStack.flat().filter((e) => e.student === a.student).pop();
      if (earlier) earlier.version = a.version;
    }
    undoButton.disabled = undoStack.length === 0;
    document.getElementById("status").textContent = data.message;
    select(cards.indexOf(cardFor(data.answers[0].student)));
  }

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const typing = e.target.matches("input, textarea, select");
    if (e.key === "Escape") {
      if (!help.hidden) toggleHelp(false);
      else if (typing) e.target.blur();
      return;
    }
    if (typing) {
      const card = e.target.closest("article[data-answer]");
      if (e.key === "Enter" && card) {
        e.preventDefault();
        save(card, e.shiftKey);
      }
      return;
    }
    if (e.key === "?") toggleHelp();
    else if (!help.hidden) return;
    else if (e.key === "j") select(current + 1);
    else if (e.key === "k") select(current - 1);
    else if (e.key === "u") undo();
    else if ((e.key === "a" || e.key === "A") && current >= 0) accept(cards[current], e.shiftKey);
    else if ((e.key === "c" || e.key === "C") && current >= 0) comment(cards[current], e.shiftKey);
    else if (/^[1-9]$/.test(e.key) && current >= 0) {
      const button = cards[current].querySelector(`button.criterion[data-index="${e.key}"]`);
      if (button) toggle(cards[current], button);
    } else if (e.key === "Enter" && current >= 0) save(cards[current], e.shiftKey);
    else return;
    e.preventDefault(); // also stops Enter from clicking a focused button a second time
  });

  for (const [i, card] of cards.entries()) {
    card.addEventListener("click", (e) => {
      select(i);
      const button = e.target.closest("button");
      if (!button) return;
      if (button.matches("button.criterion")) toggle(card, button);
      else if (button.matches("button.save")) save(card, false);
      else if (button.matches("button.save-group")) save(card, true);
      else if (button.matches("button.accept")) accept(card, false);
      else if (button.matches("button.accept-group")) accept(card, true);
    });
    card.querySelector("input.score").addEventListener("input", () => (card.dataset.how = "typed"));
    card.querySelector("input.adjust").addEventListener("input", () => {
      card.querySelector("input.score").value = composed(card);
      card.dataset.how = "composed";
    });
  }
  undoButton.addEventListener("click", () => undo());

  // Start at the first answer that waits for a human.
  const waiting = cards.findIndex((c) => c.classList.contains("pending"));
  select(waiting >= 0 ? waiting : 0);
})();
