// Prints one summary of every test run by `./dev test`: Surefire/Failsafe XML reports of all Maven
// modules plus the node --test logs passed as arguments, ending with the plain "N passed, N failed" line.
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const rows = [];

function reportDirs(dir, depth = 0) {
  if (depth > 3 || !existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    if (name === "target") {
      for (const kind of ["surefire-reports", "failsafe-reports"]) {
        if (existsSync(join(path, kind))) out.push(join(path, kind));
      }
    } else {
      out.push(...reportDirs(path, depth + 1));
    }
  }
  return out;
}

for (const dir of reportDirs(root)) {
  let tests = 0,
    failed = 0,
    skipped = 0;
  for (const file of readdirSync(dir).filter((f) => f.startsWith("TEST-") && f.endsWith(".xml"))) {
    const head = readFileSync(join(dir, file), "utf8").slice(0, 2000);
    const attr = (n) => Number((head.match(new RegExp(`<testsuite[^>]*\\s${n}="(\\d+)"`)) || [])[1] || 0);
    tests += attr("tests");
    failed += attr("failures") + attr("errors");
    skipped += attr("skipped");
  }
  if (tests) rows.push([dir.replace(root, "").replace(/\/target\//, " "), tests - failed - skipped, failed, skipped]);
}

for (const log of process.argv.slice(2)) {
  if (!existsSync(log)) continue;
  const text = readFileSync(log, "utf8");
  const n = (k) => [...text.matchAll(new RegExp(`^# ${k} (\\d+)$`, "gm"))].reduce((s, m) => s + Number(m[1]), 0);
  rows.push([
    log.replace(/^.*\//, "").replace(/\.log$/, ""),
    n("pass"),
    n("fail") + n("cancelled"),
    n("skipped") + n("todo"),
  ]);
}

const total = rows.reduce((t, r) => [t[0] + r[1], t[1] + r[2], t[2] + r[3]], [0, 0, 0]);
const width = Math.max(...rows.map((r) => r[0].length), 10);
console.log(`\n${"suite".padEnd(width)}  passed  failed  skipped`);
for (const r of rows)
  console.log(
    `${r[0].padEnd(width)}  ${String(r[1]).padStart(6)}  ${String(r[2]).padStart(6)}  ${String(r[3]).padStart(7)}`,
  );
console.log(`${total[0]} passed, ${total[1]} failed, ${total[2]} skipped`);
