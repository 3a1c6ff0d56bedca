// A background task's page: ask the task's JSON twin for its progress every few seconds,
// show the steps done, and reload the page when the task ends (to show its result).
// Without JavaScript the page offers a "Check progress" link instead.
const region = document.querySelector("[data-job-progress]");
if (region) {
  const url = region.dataset.jobProgress;
  const seconds = Number(region.dataset.seconds || "2");
  const label = region.querySelector("[data-job-label]");
  const bar = region.querySelector("progress");
  const done = region.querySelector("[data-job-done]");
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const job = await response.json();
        if (job.finished) {
          window.location.reload();
          return;
        }
        if (label) label.textContent = job.progress_text;
        if (bar) { bar.max = job.steps_total; bar.value = job.steps_done; }
        if (done) done.textContent = `${job.steps_done} of ${job.steps_total} steps done.`;
      }
    } catch (error) {
      // A dropped connection: try again at the next tick.
    }
    window.setTimeout(poll, seconds * 1000);
  };
  window.setTimeout(poll, seconds * 1000);
}
