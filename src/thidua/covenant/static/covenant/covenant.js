// Covenant pages. (Questions before irreversible actions: data-confirm, handled by static/thidua/app.js.)

// Criterion form: show only the fields that matter for the chosen scoring method (all stay in the form).
(function () {
  var ALWAYS = ["parent", "code", "title", "method", "evidence_required", "scored_by", "national_campaign", "guidance"];
  var BY_METHOD = {
    group: ["max_points"],
    graded: ["max_points", "step"],
    quantitative: ["max_points", "unit_of_measure", "higher_is_better", "extra_points_cap"],
    pass_fail: ["max_points"],
    bonus: ["points_per_occurrence", "cap", "auto_award_code"],
    penalty: ["points_per_occurrence", "cap"]
  };
  function bare(name) { return name.replace(/^[^-]+-/, ""); }
  function apply(select) {
    var form = select.form, wanted = ALWAYS.concat(BY_METHOD[select.value] || []);
    Array.prototype.forEach.call(form.querySelectorAll(".field [name]"), function (input) {
      var field = input.closest(".field");
      if (field) { field.hidden = wanted.indexOf(bare(input.name)) === -1 && !field.classList.contains("has-error"); }
    });
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches(".cov-form select[name$='method']")) { apply(el); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".cov-form select[name$='method']"), apply);
  });
})();
