// Behaviour every page shares; a file, as the Content-Security-Policy allows no inline script.
// A <select data-autosubmit> submits its form when its value changes (the language menu, the
// year and region pickers), as onchange="this.form.submit()" did.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
