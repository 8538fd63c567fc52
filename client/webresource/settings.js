/*
 * cifpipe panel settings: reads the Dataverse solution's environment variables (cifpipe_*) and hands them to the
 * panel script as window.cifAdaptorConfig, so one solution serves every environment.
 *   In Dynamics: Xrm.WebApi of window.top (the panel is a web resource inside the CIF iframe, same origin as the
 *   app): environmentvariabledefinitions with their environmentvariablevalues; the current value wins over the
 *   default value, as in Power Platform.
 *   Locally (no Xrm): GET /api/config of the local stack, whose environmentVariables object has the same names.
 * The list of variables is dataverse-solution's EnvironmentVariable enum (a Maven test keeps both in step).
 *
 * Page contract:
 *   <script src="settings.js" data-bundle="signalRadaptor.js"></script>
 *     loads the settings, sets window.cifAdaptorConfig (settings first, then whatever the page already put there,
 *     so the page can pin e.g. redirectUri), then loads the bundle, which starts by itself.
 *   Without data-bundle: call CifPipeSettings.load() (Promise of the config) or CifPipeSettings.boot(options).
 * Plain ES2017 without modules: Dynamics serves it as a Script (JScript) web resource, unbundled.
 */
(function (global) {
  "use strict";

  // schema name -> [config key, kind]; kind: string | json | boolean.
  var VARIABLES = {
    cifpipe_PresenceBaseUrl: ["functionUrl", "string"],
    cifpipe_Authority: ["authority", "string"],
    cifpipe_ClientId: ["clientId", "string"],
    cifpipe_ApiScope: ["scopes", "string"],
    cifpipe_HubName: ["hub", "string"],
    cifpipe_RejectReasons: ["rejectReasons", "json"],
    cifpipe_ScreenPop: ["screenPop", "json"],
    cifpipe_RingTone: ["ringTone", "boolean"],
    cifpipe_NotificationTemplate: ["notificationTemplate", "string"],
  };
  var REQUIRED = ["cifpipe_PresenceBaseUrl", "cifpipe_Authority", "cifpipe_ClientId", "cifpipe_ApiScope"];

  function SettingsError(message, detail) {
    var e = new Error(message);
    e.name = "SettingsError";
    e.detail = detail;
    return e;
  }

  /** Xrm with WebApi: window.top first (Microsoft's samples), then parent and self; cross-origin frames are skipped. */
  function findXrm(win) {
    var candidates = [];
    try {
      candidates.push(win.top);
    } catch (e) {
      /* cross-origin */
    }
    try {
      candidates.push(win.parent);
    } catch (e) {
      /* cross-origin */
    }
    candidates.push(win);
    for (var i = 0; i < candidates.length; i++) {
      try {
        var x = candidates[i] && candidates[i].Xrm;
        if (x && x.WebApi && typeof x.WebApi.retrieveMultipleRecords === "function") return x;
      } catch (e) {
        /* cross-origin: not Dynamics */
      }
    }
    return null;
  }

  /** {schemaName: raw string value} from Dataverse; the value record wins over the definition's default. */
  function readFromDynamics(xrm) {
    var names = Object.keys(VARIABLES);
    var filter = names
      .map(function (n) {
        return "schemaname eq '" + n + "'";
      })
      .join(" or ");
    var query =
      "?$select=schemaname,defaultvalue&$filter=" +
      filter +
      "&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)";
    return xrm.WebApi.retrieveMultipleRecords("environmentvariabledefinition", query).then(
      function (result) {
        var values = {};
        ((result && result.entities) || []).forEach(function (def) {
          if (!Object.prototype.hasOwnProperty.call(VARIABLES, def.schemaname)) return;
          var current = (def.environmentvariabledefinition_environmentvariablevalue || []).filter(function (v) {
            return v && v.value !== null && v.value !== undefined && String(v.value).trim() !== "";
          })[0];
          values[def.schemaname] = current ? current.value : def.defaultvalue;
        });
        return values;
      },
      function (err) {
        throw SettingsError(
          "The call panel settings could not be read from Dynamics. Ask your administrator.",
          "Xrm.WebApi environmentvariabledefinition query failed: " + ((err && err.message) || err),
        );
      },
    );
  }

  /** The local stack offers the same variables at /api/config (environmentVariables). */
  function readFromLocalStack(win) {
    return win
      .fetch("/api/config", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json();
      })
      .then(function (body) {
        if (!body || typeof body.environmentVariables !== "object")
          throw new Error("no environmentVariables in /api/config");
        return body.environmentVariables;
      })
      .catch(function (err) {
        throw SettingsError(
          "The call panel settings could not be loaded.",
          "GET /api/config failed: " + ((err && err.message) || err),
        );
      });
  }

  function blank(v) {
    return v === undefined || v === null || String(v).trim() === "";
  }

  /** Raw values -> window.cifAdaptorConfig fields; names the variable when a value is missing or malformed. */
  function toConfig(values) {
    var missing = REQUIRED.filter(function (n) {
      return blank(values[n]);
    });
    if (missing.length) {
      throw SettingsError(
        "The call panel is not configured. Ask your administrator to set " + missing.join(", ") + ".",
        "environment variables without a value: " + missing.join(", "),
      );
    }
    var config = {};
    Object.keys(VARIABLES).forEach(function (name) {
      var key = VARIABLES[name][0];
      var kind = VARIABLES[name][1];
      var raw = values[name];
      if (blank(raw)) return;
      if (kind === "json") {
        try {
          config[key] = typeof raw === "string" ? JSON.parse(raw) : raw;
        } catch (e) {
          throw SettingsError(
            "The call panel setting " + name + " is not valid JSON. Ask your administrator.",
            name + ": " + e.message,
          );
        }
      } else if (kind === "boolean") {
        var b = String(raw).trim().toLowerCase();
        if (["yes", "true", "1"].indexOf(b) >= 0) config[key] = true;
        else if (["no", "false", "0"].indexOf(b) >= 0) config[key] = false;
        else
          throw SettingsError(
            "The call panel setting " + name + " must be yes or no. Ask your administrator.",
            name + ": " + raw,
          );
      } else {
        config[key] = String(raw).trim();
      }
    });
    return config;
  }

  /** Promise of the panel configuration (Dynamics environment variables, or the local stack's). */
  function load(win) {
    win = win || global;
    var xrm = findXrm(win);
    var source = xrm ? readFromDynamics(xrm) : readFromLocalStack(win);
    return source.then(toConfig);
  }

  function showProblem(win, err) {
    if (win.console) win.console.error("[cif-settings]", (err && err.detail) || err);
    var doc = win.document;
    // settings.js runs in the page's head: wait for the body before showing anything.
    if (doc && doc.readyState === "loading" && doc.addEventListener) {
      doc.addEventListener(
        "DOMContentLoaded",
        function () {
          showNotice(win, err);
        },
        { once: true },
      );
    } else {
      showNotice(win, err);
    }
  }

  function showNotice(win, err) {
    try {
      var doc = win.document;
      var box = doc.getElementById("cif-adaptor-notice") || doc.createElement("div");
      box.id = "cif-adaptor-notice";
      box.setAttribute("role", "alert");
      box.setAttribute("data-level", "error");
      box.textContent =
        err && err.name === "SettingsError"
          ? err.message
          : "The call panel settings could not be loaded. Ask your administrator.";
      // Inside the page's main region when it has one (the panel's padding), else first in the body.
      var container = (doc.querySelector && doc.querySelector("main")) || doc.body || doc.documentElement;
      if (!box.parentNode) container.insertBefore(box, container.firstChild);
    } catch (e) {
      /* no DOM */
    }
  }

  /**
   * Loads the settings, merges what the page set before (page wins), then appends the bundle script.
   * options: {bundle: URL of signalRadaptor.js relative to this page, win}.
   */
  function boot(options) {
    options = options || {};
    var win = options.win || global;
    return load(win)
      .then(function (config) {
        var page = win.cifAdaptorConfig && typeof win.cifAdaptorConfig === "object" ? win.cifAdaptorConfig : {};
        var merged = {};
        Object.keys(config).forEach(function (k) {
          merged[k] = config[k];
        });
        Object.keys(page).forEach(function (k) {
          merged[k] = page[k];
        });
        win.cifAdaptorConfig = merged;
        // In Dynamics the channel page loads Microsoft's CIF library from its own org (/WebResources/Widget/, next to
        // our folder), unless the page already has it or is loading it (a script with data-cifid="CIFMainLibrary").
        var needsCif =
          findXrm(win) &&
          !(win.Microsoft && win.Microsoft.CIFramework) &&
          !(win.document.querySelector && win.document.querySelector('script[data-cifid="CIFMainLibrary"]'));
        return (
          needsCif
            ? addScript(win, new URL("../Widget/msdyn_ciLibrary.js", win.document.baseURI).href, {
                "data-crmurl": win.location.origin,
                "data-cifid": "CIFMainLibrary",
              })
            : Promise.resolve()
        )
          .then(function () {
            return options.bundle ? addScript(win, options.bundle, {}) : null;
          })
          .then(function () {
            return merged;
          });
      })
      .catch(function (err) {
        showProblem(win, err);
        throw err;
      });
  }

  function addScript(win, src, attrs) {
    return new Promise(function (resolve, reject) {
      var s = win.document.createElement("script");
      s.src = src;
      Object.keys(attrs).forEach(function (k) {
        s.setAttribute(k, attrs[k]);
      });
      s.onload = function () {
        resolve();
      };
      s.onerror = function () {
        reject(
          SettingsError("The call panel script could not be loaded. Ask your administrator.", "failed to load " + src),
        );
      };
      win.document.head.appendChild(s);
    });
  }

  var api = { VARIABLES: VARIABLES, REQUIRED: REQUIRED, load: load, boot: boot, toConfig: toConfig, findXrm: findXrm };
  global.CifPipeSettings = api;

  var current = global.document && global.document.currentScript;
  var bundle = current && current.getAttribute && current.getAttribute("data-bundle");
  if (bundle)
    boot({ bundle: bundle, win: global }).catch(function () {
      /* shown to the agent */
    });
})(typeof window !== "undefined" ? window : this);
