// "Copy list" button on the links page.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      source.select();
      var done = function () { button.textContent = "\u2713"; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(source.value).then(done, function () { document.execCommand("copy"); done(); });
      } else { document.execCommand("copy"); done(); }
    });
  });
})();
