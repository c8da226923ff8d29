// scrollhint.js shows the "Scroll sideways" hint above every table wrapper
// (.table-scroll) whose table is wider than the screen and hides it above
// the others, so that columns hidden to the right (a phone showing the
// tickets' Reward column) are never hidden without a cue. The pages render
// the hint; without this script it shows on every narrow screen. The
// wrappers also draw a shadow at an edge with more to see (style.css).
(function () {
	"use strict";
	function update() {
		var boxes = document.querySelectorAll(".table-scroll");
		for (var i = 0; i < boxes.length; i++) {
			var box = boxes[i];
			var hint = box.previousElementSibling;
			if (!hint || !hint.classList.contains("scroll-hint")) {
				hint = document.createElement("p");
				hint.className = "scroll-hint";
				hint.setAttribute("aria-hidden", "true");
				hint.textContent = "Scroll sideways for more columns \u2192";
				box.parentNode.insertBefore(hint, box);
			}
			hint.setAttribute("data-overflow", box.scrollWidth > box.clientWidth + 1 ? "yes" : "no");
		}
	}
	if (document.readyState === "loading") {
		document.addEventListener("DOMContentLoaded", update);
	} else {
		update();
	}
	window.addEventListener("resize", update);
})();
