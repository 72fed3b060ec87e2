// The header menu on narrow screens (and with enlarged text): a button shows and hides it.
// Without JavaScript the menu simply stays open, so every link is always reachable.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-menu-toggle]")) {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      continue;
    }
    menu.classList.add("menu-collapsible");
    button.hidden = false;
    button.addEventListener("click", () => {
      const open = menu.classList.toggle("show");
      button.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.classList.contains("show")) {
        menu.classList.remove("show");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }
});
