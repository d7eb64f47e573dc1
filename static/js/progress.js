// The progress sheet's keyboard: ↑/↓ between rows, Enter opens a row's form; in the form
// Ctrl+Enter saves and Esc cancels. After htmx swaps a row or a form in, the focus follows it.
(() => {
  "use strict";

  const editableRows = () => Array.from(document.querySelectorAll(".progress-table tr[data-edit-url]"));
  // A key may come before htmx has processed a just-swapped form (the browser's own autofocus can
  // focus a field first); processing again is harmless and makes the form's hx-* attributes live.
  const live = (element) => {
    if (window.htmx) window.htmx.process(element);
    return element;
  };

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const form = target.closest("form.progress-form");
    if (form) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        live(form).requestSubmit(form.querySelector("button.primary"));
      } else if (event.key === "Escape") {
        event.preventDefault();
        const cancel = form.querySelector(".cancel");
        if (cancel) live(cancel).click();
      }
      return;
    }
    if (!target.matches("tr[data-edit-url]")) return;
    if (event.key === "Enter") {
      event.preventDefault();
      const button = target.querySelector(".edit-button");
      if (button) button.click();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const rows = editableRows();
      const next = rows[rows.indexOf(target) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) {
        event.preventDefault();
        next.focus();
      }
    }
  });

  // Right after the swap (before anyone types): put the caret of a form's result text after its text.
  document.addEventListener("htmx:afterSwap", () => {
    document.querySelectorAll("form.progress-form textarea[autofocus]").forEach((area) => {
      if (document.activeElement !== area) area.setSelectionRange(area.value.length, area.value.length);
    });
  });

  // After settling: the form's first field (htmx focuses [autofocus] itself) or the row just saved.
  document.addEventListener("htmx:afterSettle", () => {
    const row = document.querySelector("tr[data-focus-here]");
    if (!row) return;
    row.removeAttribute("data-focus-here");
    const active = document.activeElement;
    if (!active || !active.closest("form.progress-form")) row.focus();
  });
})();
