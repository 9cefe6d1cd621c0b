// The placement form: once a mentor is chosen, offer only the workshops of the mentor's
// enterprise (without JS the list stays grouped by enterprise and the server refuses a
// workshop of another enterprise in words).
(() => {
  const mentor = document.getElementById("mentor_id");
  const workshop = document.getElementById("department_id");
  if (!mentor || !workshop) return;
  const narrow = () => {
    const chosen = mentor.selectedOptions[0];
    const enterprise = chosen ? chosen.dataset.enterprise : undefined;
    workshop.querySelectorAll("option[data-enterprise]").forEach((option) => {
      const other = Boolean(enterprise) && option.dataset.enterprise !== enterprise;
      option.hidden = other;
      option.disabled = other;
      if (other && option.selected) workshop.value = "";
    });
    workshop.querySelectorAll("optgroup").forEach((group) => {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  };
  mentor.addEventListener("change", narrow);
  narrow();
})();
