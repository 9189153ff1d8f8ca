/* mod_accounts: a "Show" button beside each password field.  Every page
 * works without it (the Content-Security-Policy allows scripts from this
 * site only, and the templates hold no inline script). */
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[type=password]");
  Array.prototype.forEach.call(fields, function (input) {
    var label = document.querySelector("label[for='" + input.id + "']");
    var name = label ? label.textContent.replace(/:\s*$/, "").trim() : "password";
    var button = document.createElement("button");
    var focused = document.activeElement === input;
    button.type = "button";
    button.className = "secondary show";
    /* The name stays the same and says which field; the state is
     * aria-pressed (WCAG: the visible text is part of the name). */
    button.textContent = "Show";
    button.setAttribute("aria-label", "Show " + name.toLowerCase());
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-controls", input.id);
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", show ? "true" : "false");
    });
    var wrap = document.createElement("span");
    wrap.className = "password";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(button);
    if (focused) {
      input.focus(); /* moving it took the focus away */
    }
  });
  /* A shown password goes back to hidden before the form is sent, so the
   * browser does not keep it as text. */
  Array.prototype.forEach.call(document.forms, function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.querySelectorAll("button.show"), function (b) {
        var input = document.getElementById(b.getAttribute("aria-controls"));
        if (input) {
          input.type = "password";
        }
        b.setAttribute("aria-pressed", "false");
      });
    });
  });
})();
