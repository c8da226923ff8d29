// Password fields: the server takes at most data-maxbytes bytes of UTF-8
// (what bcrypt uses), which the HTML maxlength attribute cannot express (it
// counts characters, and letters with accents or emoji take 2 to 4 bytes).
// This check says so before the form is sent; the server checks again.
(function () {
  "use strict";
  var enc = new TextEncoder();
  function check(input) {
    var max = parseInt(input.getAttribute("data-maxbytes"), 10);
    var n = enc.encode(input.value).length;
    input.setCustomValidity(n > max ?
      "Too long: " + n + " bytes, at most " + max + " (accented letters and other non-ASCII characters count 2 to 4 bytes each)." : "");
  }
  document.querySelectorAll("input[data-maxbytes]").forEach(function (input) {
    input.addEventListener("input", function () { check(input); });
    check(input);
  });
})();
