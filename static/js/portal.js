/* Small behaviours the templates ask for with data attributes, on every page. There is no inline
   script or handler anywhere: the Content-Security-Policy runs scripts from these files only.
   - data-confirm="question": a click (a submit button, a link) goes on only if the user agrees;
   - data-fill-value="text": puts the text in the row's value box (the KPI proposal);
   - data-select-on-click: selects the box's text (an address to copy). */
document.addEventListener("click", function (event) {
  var confirmer = event.target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
    return;
  }
  var filler = event.target.closest("[data-fill-value]");
  if (filler) {
    var input = filler.closest("tr").querySelector("input[name=value]");
    if (input) {
      input.value = filler.dataset.fillValue;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
  var selectable = event.target.closest("[data-select-on-click]");
  if (selectable) selectable.select();
}, true);
