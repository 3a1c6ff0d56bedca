// Starts the GOV.UK Frontend components on every page. A file, not an inline script:
// the Content-Security-Policy allows scripts from this site only (issue #13).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
