/**
 * Script of the relay page cifpipe_/redirect.html (built to dist/redirectBridge.js). MSAL browser v5's
 * redirect bridge: the sign-in popup (or silent iframe) lands on the relay page, which hands the
 * authorization response to the panel over a BroadcastChannel and closes; for a full-page redirect it
 * navigates back. Same origin as the panel (both are web resources of the org).
 */
import { broadcastResponseToMainFrame } from "@azure/msal-browser/redirect-bridge";

broadcastResponseToMainFrame().catch((err) => {
  // Nothing secret in the message; the panel's own sign-in call reports the failure to the agent.
  console.error("[cif-adaptor] sign-in response relay failed:", err && (err.errorCode || err.message));
  try {
    document.body.textContent = "Sign-in could not be completed. Close this window and select Sign in again.";
  } catch {
    /* no DOM */
  }
});
