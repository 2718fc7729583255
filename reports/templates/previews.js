// Previews on demand. A browser that meets hundreds of e-mail frames builds every one of them
// before the page is usable (a 500-campaign report took minutes), so beyond the first few each
// preview waits inert in a <template> and becomes its sandboxed frame when the reader scrolls
// near it, or when the report is printed. The frame is the template's own markup: this script
// adds nothing to it, so it is as sandboxed as the first previews are.
(function () {
  "use strict";
  var slots = Array.prototype.slice.call(document.querySelectorAll(".preview-slot"));

  function show(slot) {
    var template = slot.querySelector("template");
    if (template && slot.parentNode) {
      slot.parentNode.replaceChild(template.content.cloneNode(true), slot);
    }
  }

  function showAll() {
    slots.forEach(show);
  }

  if (!("IntersectionObserver" in window)) {
    showAll();
    return;
  }
  var observer = new IntersectionObserver(
    function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          show(entry.target);
        }
      });
    },
    { rootMargin: "1200px 0px" }
  );
  slots.forEach(function (slot) {
    observer.observe(slot);
  });
  window.addEventListener("beforeprint", showAll);
})();
