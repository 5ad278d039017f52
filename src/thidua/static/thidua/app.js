// No inline scripts anywhere (Content-Security-Policy): small behaviours are wired here.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});

// Ask before irreversible actions: a form marked data-confirm="question", or the submit button pressed when it
// carries data-confirm itself (one form with several actions). One handler for every page (no inline scripts).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form || !form.matches) {
    return;
  }
  var button = event.submitter;
  var question = (button && button.getAttribute && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
