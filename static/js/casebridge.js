// Page behaviour that used to be inline <script> (the Content-Security-Policy allows scripts
// from our own origin only). On load, move focus to what the user must read first: the form's
// error summary, else a duplicate-client warning.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("error-summary") || document.getElementById("duplicate-warning");
  if (target) {
    target.focus();
  }
});
