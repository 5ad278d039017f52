// No inline scripts anywhere (Content-Security-Policy): small behaviours are wired here.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
    el.form.submit();
  }
});
