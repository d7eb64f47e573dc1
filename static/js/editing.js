// Keyboard and safety nets for the plan editor (templates/plans/edit/). htmx does the requests.
//
// On a table row (focused): Enter edits it, ↑/↓ go to the row above/below, Alt+↑/↓ move it.
// In a row being edited: Ctrl+Enter (or ⌘+Enter) saves, Esc cancels, Enter in the number box saves.
// A row with unsaved changes is never thrown away silently: replacing it (moving or deleting
// rows around it, leaving the page) asks first.
(function () {
  "use strict";

  function press(container, selector) {
    var button = container && container.querySelector(selector);
    if (button && !button.disabled) {
      button.click();
      return true;
    }
    return false;
  }

  function tableRows() {
    return Array.prototype.slice.call(document.querySelectorAll("#plan-grid tr[data-row], #plan-grid tr[data-row-form]"));
  }

  function focusRowNear(rows, index) {
    for (var i = Math.min(index, rows.length - 1); i >= 0; i--) {
      var row = rows[i];
      if (row.isConnected && row.hasAttribute("data-row")) {
        row.focus();
        return;
      }
    }
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;

    var form = target.closest("tr[data-row-form]");
    if (form) {
      if (event.key === "Escape") {
        event.preventDefault();
        press(form, "[data-cancel]");
      } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        press(form, "[data-save]");
      } else if (event.key === "Enter" && target.tagName === "INPUT") {
        event.preventDefault();
        press(form, "[data-save]");
      }
      return;
    }

    if (target.matches("tr[data-row]")) {
      if (event.key === "Enter") {
        event.preventDefault();
        press(target, "[data-edit]");
      } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        event.preventDefault();
        press(target, event.key === "ArrowUp" ? "[data-move=up]" : "[data-move=down]");
      } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
        var rows = tableRows();
        var next = rows[rows.indexOf(target) + (event.key === "ArrowUp" ? -1 : 1)];
        if (next) {
          event.preventDefault();
          (next.hasAttribute("data-row") ? next : next.querySelector("input, textarea") || next).focus();
        }
      }
    }
  });

  // "Hủy" on a row or section that is not saved yet: nothing to ask the server, drop it.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-discard]");
    if (!button) return;
    var newSection = button.closest("tbody.new-section");
    var doomed = newSection || button.closest("tr");
    var rows = tableRows();
    var index = rows.indexOf(newSection ? newSection.querySelector("tr") : doomed);
    doomed.remove();
    focusRowNear(rows, index - 1);
  });

  // Text boxes of a row being edited grow with their text, so a cell reads as it will print.
  function fit(textarea) {
    textarea.style.height = "auto";
    textarea.style.height = textarea.scrollHeight + 2 + "px";
  }
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail.elt;
    if (!(root instanceof Element)) return;
    var boxes = root.matches("tr[data-row-form]") ? root.querySelectorAll("textarea") : root.querySelectorAll("tr[data-row-form] textarea");
    Array.prototype.forEach.call(boxes, fit);
  });

  // A swapped-in form has its first field focused (autofocus); select a prefilled number so typing
  // replaces it.
  document.addEventListener("htmx:afterSettle", function () {
    var active = document.activeElement;
    if (active && active.tagName === "INPUT" && active.type === "text" && active.closest("tr[data-row-form]")) {
      active.select();
    }
  });

  // Remember which forms hold changes not saved yet.
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var form = target.closest("tr[data-row-form], form.edit-form");
    if (form) form.classList.add("is-dirty");
    if (target.tagName === "TEXTAREA" && target.closest("tr[data-row-form]")) fit(target);
    // The message from the last save is about the old text: fade it once the user changes the field.
    var describedBy = target.getAttribute("aria-describedby");
    if (describedBy) {
      describedBy.split(" ").forEach(function (id) {
        var message = document.getElementById(id);
        if (message && message.classList.contains("errorlist")) message.classList.add("is-stale");
      });
    }
  });

  // Ask before a request whose answer replaces rows still being edited (other than the one saving).
  document.addEventListener("htmx:confirm", function (event) {
    var detail = event.detail;
    var target = detail.target;
    if (!target || !target.querySelectorAll) return;
    var own = detail.elt.closest && detail.elt.closest("tr[data-row-form]");
    var dirty = Array.prototype.filter.call(target.querySelectorAll("tr[data-row-form].is-dirty"), function (row) {
      return row !== own;
    });
    if (dirty.length === 0) return;
    event.preventDefault();
    var question = (detail.question ? detail.question + "\n\n" : "") +
      "Có " + dirty.length + " dòng đang sửa chưa lưu ở phần này của bảng; tiếp tục thì các thay đổi đó sẽ mất.";
    if (window.confirm(question)) detail.issueRequest(true);
  });

  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector(".is-dirty")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The server refused (403, 404, 500) or could not be reached: say so; the form stays as typed.
  function showStatus(html) {
    var status = document.getElementById("edit-status");
    if (status) status.innerHTML = html;
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 403 && /class="msg/.test(xhr.responseText)) {
      showStatus(xhr.responseText);
    } else if (xhr.status === 404) {
      showStatus('<p class="msg msg-error">Không tìm thấy nội dung này (có thể đã bị xóa). Hãy tải lại trang.</p>');
    } else {
      showStatus('<p class="msg msg-error">Máy chủ gặp lỗi (' + xhr.status + '). Nội dung đang nhập vẫn còn trên màn hình; hãy thử lưu lại.</p>');
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showStatus('<p class="msg msg-error">Không kết nối được máy chủ. Nội dung đang nhập vẫn còn trên màn hình; hãy thử lưu lại.</p>');
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && event.detail.requestConfig && event.detail.requestConfig.verb !== "get") showStatus("");
  });
})();
