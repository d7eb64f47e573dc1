/* A write refused for want of rights (403) shows its message at the top of the page instead of
   being dropped by htmx, which ignores error responses by default. */
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 403) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    event.detail.target = document.getElementById("kpi-alert");
    event.detail.swapOverride = "innerHTML";
  }
});
