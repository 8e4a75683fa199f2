// Progressive enhancement. Without JavaScript the results page refreshes itself (a <noscript>
// meta refresh) and the print button stays hidden; with it, progress is fetched in place.
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

const region = document.getElementById("progress-region");
const status = document.getElementById("progress-status");

function announce() {
  // The region's content is replaced wholesale; a persistent live region carries the news.
  const progress = document.getElementById("progress");
  if (status && progress) status.textContent = progress.dataset.progressText || "";
  return progress ? progress.dataset.state : "done";
}

async function poll() {
  try {
    const response = await fetch(region.dataset.progressUrl, { headers: { Accept: "text/html" } });
    if (response.ok) {
      // Server-rendered by the same escaped template as the full page: no value is built here.
      region.innerHTML = await response.text();
      initAll({ scope: region });
      for (const button of region.querySelectorAll(".app-copy")) enableCopy(button);
    }
  } catch (error) {
    // A dropped connection: keep polling, the check goes on in the service.
  }
  if (announce() === "running") setTimeout(poll, 700);
}

if (region && announce() === "running") setTimeout(poll, 700);

for (const button of document.querySelectorAll(".app-print")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// The copy button: without JavaScript the sentence is plain text to select; with it, one click.
for (const button of document.querySelectorAll(".app-copy")) enableCopy(button);

function enableCopy(button) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
    } catch (error) {
      // No clipboard permission (an http:// address, an old browser): select it for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    button.textContent = "Copied";
    if (status) status.textContent = "Sentence copied";
  });
}
