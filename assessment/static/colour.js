// A colour picker next to each text field marked data-colour-picker: picking fills in the
// code, typing a valid code moves the picker.  Without JavaScript the text field alone works.
(function () {
  "use strict";
  var HEX = /^#[0-9a-fA-F]{6}$/;
  document.querySelectorAll("input[data-colour-picker]").forEach(function (text) {
    var picker = document.getElementById(text.getAttribute("data-colour-picker"));
    if (!picker) { return; }
    if (HEX.test(text.value)) { picker.value = text.value.toLowerCase(); }
    picker.hidden = false;
    picker.addEventListener("input", function () { text.value = picker.value; });
    text.addEventListener("input", function () {
      if (HEX.test(text.value)) { picker.value = text.value.toLowerCase(); }
    });
  });
})();
