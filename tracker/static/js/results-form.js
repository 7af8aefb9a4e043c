/* The results form: a file over the limit is named at its field as soon as it is chosen, and
 * taken off the form, instead of being sent for a minute only to be refused. Progressive: the
 * server checks the same (and everything else) whatever the browser does. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-max-bytes]"), function (input) {
    var message = document.createElement("div");
    message.className = "ds-validation-message";
    message.setAttribute("data-field", "validation");
    message.setAttribute("aria-live", "polite");
    message.id = input.id + "-size";
    input.parentNode.appendChild(message);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var tooLarge = file && file.size > Number(input.getAttribute("data-max-bytes"));
      message.textContent = tooLarge ? input.getAttribute("data-too-large").replace("{name}", file.name) : "";
      input.setAttribute("aria-invalid", tooLarge ? "true" : "false");
      if (tooLarge) { input.value = ""; }
    });
  });
}());
