// Uses the running local stack (./dev up) or starts one (`devstack.jar --wait`) and stops it afterwards.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_DIR } from "./client-stack.js";

export const WEB = process.env.CIFPIPE_WEB_URL || "http://localhost:8080";
const JAR = join(REPO_DIR, "local/devstack/target/devstack.jar");

/** "ready" when every part answers, "partial" when the stack runs but some part does not, else "down". */
async function health() {
  try {
    const r = await fetch(`${WEB}/api/health`, { signal: AbortSignal.timeout(3000) });
    if (!r.ok) return { status: "partial", body: `HTTP ${r.status}` };
    const body = await r.json();
    return { status: body.ready === true ? "ready" : "partial", body: JSON.stringify(body) };
  } catch {
    return { status: "down" };
  }
}

async function healthy() {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const h = await health();
    if (h.status !== "partial") return h.status === "ready";
    if (Date.now() > deadline) throw new Error(`the local stack at ${WEB} runs but is not ready after 60 s: ${h.body}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function run(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn("java", ["-jar", JAR, ...args], { cwd: REPO_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out = (out + d).slice(-20_000);
    });
    child.stderr.on("data", (d) => {
      out = (out + d).slice(-20_000);
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`devstack ${args.join(" ")} did not finish in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`devstack ${args.join(" ")} exited ${code}:\n${out}`));
    });
  });
}

/** @returns {Promise<{web: string, config: any, stop: () => Promise<void>}>} */
export async function ensureStack() {
  let startedHere = false;
  if (!(await healthy())) {
    if (!existsSync(JAR)) {
      throw new Error(
        `no local stack answers at ${WEB} and ${JAR} is missing: build it (./dev up builds it) or start ./dev up`,
      );
    }
    await run(["--wait", "--timeout", "240"], 300_000);
    startedHere = true;
    if (!(await healthy())) throw new Error(`devstack --wait returned but ${WEB}/api/health does not answer 200`);
  }
  const config = await (await fetch(`${WEB}/api/config`)).json();
  return {
    web: WEB,
    config,
    async stop() {
      if (startedHere) await run(["down"], 60_000).catch(() => {});
    },
  };
}
