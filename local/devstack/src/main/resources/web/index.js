// Kept out of index.html so the page's CSP can forbid inline scripts.
import { renderNav } from "/common.js";
renderNav("");
