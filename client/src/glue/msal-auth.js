import { PublicClientApplication, InteractionRequiredAuthError, BrowserAuthError } from "@azure/msal-browser";
import { AdaptorError, ErrorKind } from "../core/errors.js";

const ENTRA_HOSTS =
  /(^|\.)(login\.microsoftonline\.(com|us)|login\.microsoft\.com|login\.partner\.microsoftonline\.cn|ciamlogin\.com)$/i;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Sign-in with MSAL (authorization code + PKCE, token cache, silent renewal by refresh token).
 * Against Entra ID it runs in AAD mode; against any other OpenID provider (the local embedded one)
 * in OIDC protocol mode with that provider as a known authority.
 */
export class MsalTokenProvider {
  constructor(config, { logger = console, fetch: fetchImpl = globalThis.fetch } = {}) {
    this._config = config;
    this._log = logger;
    this._fetch = fetchImpl;
    this._pca = null;
  }

  async initialize() {
    if (this._pca) return;
    const auth = await resolveAuthority(this._config, this._fetch);
    this._pca = new PublicClientApplication({
      auth: {
        clientId: this._config.clientId,
        authority: auth.authority,
        knownAuthorities: auth.knownAuthorities,
        authorityMetadata: auth.authorityMetadata,
        redirectUri: this._config.redirectUri,
        postLogoutRedirectUri: this._config.redirectUri,
      },
      cache: { cacheLocation: this._config.cacheLocation },
      system: {
        protocolMode: auth.protocolMode,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: 1, // Warning
          loggerCallback: (level, message, containsPii) => {
            if (!containsPii) this._log.warn(`[msal] ${message}`);
          },
        },
      },
    });
    await this._pca.initialize();
    const redirected = await this._pca.handleRedirectPromise();
    if (redirected && redirected.account) this._pca.setActiveAccount(redirected.account);
  }

  /** The signed-in account MSAL remembers (preferring the configured login hint), or null. */
  account() {
    const pca = this._pca;
    if (!pca) return null;
    const active = pca.getActiveAccount();
    if (active) return active;
    const all = pca.getAllAccounts();
    const hint = this._config.loginHint && this._config.loginHint.toLowerCase();
    const chosen =
      (hint && all.find((a) => String(a.username).toLowerCase() === hint)) || (all.length === 1 ? all[0] : null);
    if (chosen) pca.setActiveAccount(chosen);
    return chosen;
  }

  /**
   * Silent only: cached token, else refresh token, else hidden-iframe SSO. Throws AdaptorError
   * SIGN_IN_REQUIRED when only an interactive sign-in can help.
   */
  async getAccessToken({ forceRefresh = false } = {}) {
    await this.initialize();
    const account = this.account();
    try {
      let result;
      if (account) {
        result = await this._pca.acquireTokenSilent({ scopes: this._config.scopes, account, forceRefresh });
      } else if (this._config.loginHint) {
        result = await this._pca.ssoSilent({ scopes: this._config.scopes, loginHint: this._config.loginHint });
        if (result.account) this._pca.setActiveAccount(result.account);
      } else {
        throw new AdaptorError(
          ErrorKind.SIGN_IN_REQUIRED,
          "Sign in to receive calls.",
          "no signed-in account in the MSAL cache",
        );
      }
      return result.accessToken;
    } catch (err) {
      throw toAuthError(err);
    }
  }

  /** Interactive sign-in (popup by default: the CIF panel is an iframe where redirects are blocked). Call from a click. */
  async signIn() {
    await this.initialize();
    const request = { scopes: this._config.scopes, loginHint: this._config.loginHint, prompt: "select_account" };
    try {
      if (this._config.interactionType === "redirect") {
        await this._pca.loginRedirect(request);
        return null; // the page navigates away
      }
      const result = await this._pca.loginPopup(request);
      this._pca.setActiveAccount(result.account);
      return result.accessToken;
    } catch (err) {
      throw toAuthError(err, true);
    }
  }

  /** Seed-compatible: silent first, interactive when the provider asks for it. */
  async acquireToken() {
    try {
      return await this.getAccessToken();
    } catch (err) {
      if (err instanceof AdaptorError && err.kind === ErrorKind.SIGN_IN_REQUIRED) {
        await this.signIn();
        return this.getAccessToken();
      }
      throw err;
    }
  }

  async signOut() {
    await this.initialize();
    const account = this.account();
    if (account) await this._pca.clearCache({ account });
  }
}

/**
 * MSAL insists on https authorities. The local embedded provider speaks plain http on loopback, so
 * for http://localhost… the discovery document is fetched here and handed to MSAL as
 * authorityMetadata under the https spelling of the same address — that spelling is only MSAL's
 * cache key; every request goes to the endpoints the provider itself published. Any other http
 * authority is refused.
 */
export async function resolveAuthority(config, fetchImpl) {
  const url = new URL(config.authority);
  const isEntra = ENTRA_HOSTS.test(url.hostname);
  const protocolMode = config.protocolMode || (isEntra ? "AAD" : "OIDC");
  const knownAuthorities = config.knownAuthorities || (isEntra ? [] : [url.host]);
  if (url.protocol === "https:") {
    return { authority: config.authority, knownAuthorities, protocolMode, authorityMetadata: undefined };
  }
  if (!LOOPBACK.has(url.hostname)) {
    throw new AdaptorError(
      ErrorKind.CONFIG,
      "The sign-in address must use https. Ask your administrator to check the Authority setting.",
      `authority ${config.authority} is plain http and not on this machine`,
    );
  }
  const discoveryUrl = `${config.authority.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  let metadata;
  try {
    const response = await fetchImpl(discoveryUrl, { credentials: "omit" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    metadata = await response.json();
  } catch (err) {
    throw new AdaptorError(
      ErrorKind.NETWORK,
      "The sign-in service cannot be reached; we will keep trying.",
      `OpenID discovery ${discoveryUrl} failed: ${err && err.message}`,
      { cause: err },
    );
  }
  for (const key of ["authorization_endpoint", "token_endpoint", "issuer", "jwks_uri"]) {
    if (typeof metadata[key] !== "string") {
      throw new AdaptorError(
        ErrorKind.CONFIG,
        "The sign-in service answered in an unexpected way. Ask your administrator.",
        `OpenID discovery ${discoveryUrl} lacks ${key}`,
      );
    }
  }
  return {
    authority: `https://${url.host}${url.pathname.replace(/\/+$/, "")}`,
    knownAuthorities: [url.host],
    protocolMode: "OIDC",
    authorityMetadata: JSON.stringify(metadata),
  };
}

function toAuthError(err, interactive = false) {
  if (err instanceof AdaptorError) return err;
  const code = (err && (err.errorCode || err.code)) || "";
  const detail = `MSAL ${code}: ${err && err.message}`;
  if (
    err instanceof InteractionRequiredAuthError ||
    /interaction_required|login_required|consent_required|no_account|no_tokens_found|monitor_window_timeout|timed_out/.test(
      code,
    )
  ) {
    return new AdaptorError(ErrorKind.SIGN_IN_REQUIRED, "Sign in to receive calls.", detail, { cause: err });
  }
  if (
    err instanceof BrowserAuthError &&
    /user_cancelled|popup_window_error|empty_window_error|interaction_in_progress/.test(code)
  ) {
    const text =
      code === "popup_window_error" || code === "empty_window_error"
        ? "The sign-in window was blocked. Allow pop-ups for this page and select Sign in again."
        : "Sign-in was not completed. Select Sign in to try again.";
    return new AdaptorError(ErrorKind.SIGN_IN_REQUIRED, text, detail, { cause: err });
  }
  if (
    /invalid_client|unauthorized_client|invalid_request|invalid_scope|authority|endpoints_resolution|untrusted_authority|redirect_uri/i.test(
      code,
    )
  ) {
    return new AdaptorError(
      ErrorKind.CONFIG,
      "Sign-in is not set up correctly. Ask your administrator to check the adaptor settings.",
      detail,
      { cause: err },
    );
  }
  return new AdaptorError(
    interactive ? ErrorKind.SIGN_IN_REQUIRED : ErrorKind.NETWORK,
    interactive
      ? "Sign-in did not work. Select Sign in to try again."
      : "The sign-in service cannot be reached right now; we will keep trying.",
    detail,
    { cause: err },
  );
}
