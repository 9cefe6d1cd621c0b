// Before anything is sent: a file above the size limit or one file too many is named at once
// (the server checks again after upload). Without JavaScript the server's message says it.
document.querySelectorAll("[data-evidence-upload]").forEach((form) => {
  const maxBytes = Number(form.dataset.maxBytes);
  const room = Number(form.dataset.room);
  const error = form.querySelector("#evidence-client-error");
  const inputs = form.querySelectorAll("input[type=file]");
  const check = () => {
    const files = [...inputs].flatMap((input) => [...input.files]);
    let message = "";
    const big = files.find((file) => file.size > maxBytes);
    if (big) message = form.dataset.tooBig.replace("{name}", big.name);
    else if (files.length > room) message = form.dataset.tooMany;
    error.textContent = message;
    error.hidden = !message;
    return !message;
  };
  inputs.forEach((input) => input.addEventListener("change", check));
  form.addEventListener("submit", (event) => {
    if (!check()) event.preventDefault();
  });
});
