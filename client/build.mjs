// Bundles src/index.js into the Dynamics web resource (one IIFE file, global SignalRAdaptor) and an
// ES module. Everything, MSAL and SignalR included, is inside: nothing is loaded from a CDN at run time.
import { build } from "esbuild";
import { mkdir, copyFile } from "node:fs/promises";

const common = {
  entryPoints: ["src/index.js"],
  bundle: true,
  target: ["es2020"],
  platform: "browser",
  sourcemap: "linked",
  legalComments: "linked",
  minify: process.env.MINIFY !== "0",
  logLevel: "warning",
  // @microsoft/signalr's Node-only paths (ws, node-fetch, tough-cookie) are dynamic requires behind
  // `typeof fetch` / isNode checks: esbuild leaves them as never-reached stubs in the browser bundle.
  define: { "process.env.NODE_ENV": '"production"' },
};

await mkdir("dist", { recursive: true });
await build({ ...common, format: "iife", globalName: "SignalRAdaptor", outfile: "dist/signalRadaptor.js" });
await build({ ...common, format: "esm", outfile: "dist/signalRadaptor.mjs" });
// The relay page's script (web resource cifpipe_/redirectBridge.js): MSAL's redirect bridge only.
await build({ ...common, entryPoints: ["src/redirect-bridge.js"], format: "iife", outfile: "dist/redirectBridge.js" });
console.log(
  "built dist/signalRadaptor.js (IIFE, global SignalRAdaptor), dist/signalRadaptor.mjs and dist/redirectBridge.js",
);
