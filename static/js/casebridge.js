// Page behaviour that used to be inline <script> (the Content-Security-Policy allows scripts
// from our own origin only). On load, move focus to what the user must read first: the form's
// error summary, else a duplicate-client warning.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("error-summary") || document.getElementById("duplicate-warning");
  if (target) {
    target.focus();
  }
});

// A form with a live search box (data-live-search: htmx updates its list as one types, the
// consent form's "Find an agency"): Enter in the box searches at once, and Enter in another
// field submits with the form's main button (data-default-submit), not the search's button
// that comes first in the form.
document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (event.key !== "Enter" || !field.form || field.tagName !== "INPUT") {
    return;
  }
  if (field.matches("input[data-live-search]")) {
    if (window.htmx) {
      event.preventDefault();
      window.htmx.trigger(field, "search");
    }
    return;
  }
  if (field.matches("[type=checkbox], [type=radio], [type=submit]")) {
    return;
  }
  var main = field.form.querySelector("[data-default-submit]");
  if (main && field.form.querySelector("input[data-live-search]")) {
    event.preventDefault();
    field.form.requestSubmit(main);
  }
});
