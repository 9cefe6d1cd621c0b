// The shell's small comforts; every page works without them.
(() => {
  // A refused form: move the focus to the summary of its problems, so it is read first.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

  // The menu (a <details>) closes on Escape and on a click outside it.
  const menu = document.querySelector("details.account");
  if (!menu) return;
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
})();
