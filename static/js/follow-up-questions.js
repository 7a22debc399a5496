// Show a follow-up question only while the question it follows up is answered "Not sure".
// Without JavaScript every follow-up stays visible, introduced by "Only if you answered Not
// sure above", and the server ignores it unless that answer was "Not sure".
(function () {
  "use strict";
  document.querySelectorAll("[data-follows-up]").forEach(function (followUp) {
    var name = followUp.getAttribute("data-follows-up");
    var radios = document.querySelectorAll('input[type="radio"][name="' + name + '"]');
    var intro = followUp.querySelector(".follow-up-intro");
    function update() {
      var notSure = Array.prototype.some.call(radios, function (radio) {
        return radio.checked && radio.value === "not_sure";
      });
      followUp.hidden = !notSure;
    }
    if (intro) {
      intro.hidden = true;
    }
    radios.forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
})();
