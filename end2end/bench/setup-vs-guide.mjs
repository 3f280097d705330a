// Call set-up, Confab beside the guide's app, measured in one run with the rounds alternating, so
// that the ratio between the two is a figure from the same machine in the same minutes.
//
// For each app: A is in a call, B clicks (Confab: Bob in the lobby, preview running, clicks Join;
// the guide's app: A has clicked Start Call, B clicks Start Call, which opens B's camera and sends
// B's offer); the time from the click until both pages have a first remote video frame on screen.
// Both are timed by the same code (browser/call.mjs measureCall): the click is dispatched inside
// B's page and read from its clock, each page's first remote frame is caught with
// requestVideoFrameCallback (its presentationTime), and the two pages' clocks are compared.
// Each round runs both apps, each in two fresh browser contexts, the guide's app first in odd
// rounds and Confab first in even ones, after one uncounted round of each.
//
// Usage: node end2end/bench/setup-vs-guide.mjs [--rounds 9] [--json] [--seed DIR] [--port N]
// The guide's app is copied from ../shared/baselines/seed (or --seed) to a temporary folder, set
// up there with `npm ci` and openssl, and served by `node server.js` on its fixed port 3000.
// Confab is the binary CONFAB_BENCH_BIN names (default target/release/confab), on a free loopback
// port (or --port). Progress goes to stderr; the table, or with --json one JSON object with every
// round, to stdout.
import { chromium } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumArgs } from '../chromium.mjs';
import { confabCall, measureCall, STAGES, summariseCalls } from './browser/call.mjs';
import { GUIDE_SEED, GUIDE_URL, guideCall, prepareGuide, startGuide } from './browser/guide.mjs';
import { attempt, retried } from './browser/pages.mjs';
import { binary, chromiumPath, flag, log, machine, option, serverUp, startConfab, stop } from './common.mjs';

const rounds = Number(option('rounds', '9'));
if (!(Number.isInteger(rounds) && rounds > 0)) {
  console.error('usage: node end2end/bench/setup-vs-guide.mjs [--rounds N] [--json] [--seed DIR] [--port N]');
  process.exit(2);
}
const seed = path.resolve(option('seed', GUIDE_SEED));

const METHOD =
  "from B's click (read from B's page clock) until both pages have a first remote video frame on screen " +
  '(requestVideoFrameCallback presentationTime on the remote <video>), the same code for both apps';
const APPS = { guide: "the guide's app", confab: 'Confab' };

/** Prints the result `r` as a table. */
function printTable(r) {
  const m = r.machine;
  const out = (line = '') => console.log(line);
  const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-').padStart(8);
  out(`Call set-up, Confab beside the guide's app, ${m.date}`);
  out(`machine: ${m.nproc} CPUs (nproc), ${m.cpu}, ${m.memory_gib} GiB; CPU ${(m.cpu_busy_before * 100).toFixed(0)}% busy just before the run`);
  out(`browser: Chromium ${r.chromium} headless, fake camera and microphone; Confab ${r.confab.server}, the guide's app ${r.guide.server}`);
  out(`method: ${r.method}`);
  out(`rounds: ${r.rounds} per app, alternating (the guide's app first in odd rounds), after one uncounted round of each; times in ms`);
  if (r.retried.length) out(`retried after a page failure: ${r.retried.join('; ')}`);
  if (r.confab.server_panics) out(`WARNING: Confab panicked ${r.confab.server_panics} time(s) during the run (its messages are on stderr)`);
  if (m.cpu_busy_before > 0.25) out('WARNING: something else was using the CPUs when the run started: the times are inflated and noisy');

  out(`\n${'call set-up (both see each other)'.padEnd(36)}  median      p90      min      max   A sees B  B sees A (medians)`);
  for (const [name, label] of Object.entries(APPS)) {
    const c = r[name];
    out(`   ${label.padEnd(33)}${ms(c.setup.median)} ${ms(c.setup.p90)} ${ms(c.setup.min)} ${ms(c.setup.max)}   ${ms(c.a_sees_b.median)}  ${ms(c.b_sees_a.median)}`);
  }
  out(`   ratio Confab / the guide's app: median ${r.ratio.median.toFixed(2)}, p90 ${r.ratio.p90.toFixed(2)}`);
  for (const [name, label] of Object.entries(APPS)) {
    const late = r[name].runs.filter((x) => x.check.sides.some((s) => s.late)).length;
    out(`   per round, ${label}: ${r[name].runs.map((x) => x.setup.toFixed(0)).join(' ')}` +
      (late ? ` (${late} with a first callback a frame late)` : ''));
  }
  for (const [name, label] of Object.entries(APPS)) {
    out(`   candidate pairs, ${label}: ${[...new Set(r[name].runs.map((x) => x.pair))].join('; ')}`);
  }

  out(`\nwhere the time goes (medians, ms after the click; A: Ada / first page, B: Bob / the page that clicks)`);
  out(`${''.padEnd(50)} ${"guide's".padStart(8)}   ${'Confab'.padStart(8)}`);
  for (const [key, label] of STAGES) {
    const [g, c] = [r.guide.stages[key], r.confab.stages[key]];
    if (g || c) out(`   ${label.padEnd(47)} ${ms(g?.median)}   ${ms(c?.median)}`);
  }
}

async function main() {
  const host = await machine();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-setup-vs-guide-'));
  let browser;
  let guide;
  let confab;
  const cleanUp = async () => {
    await browser?.close().catch(() => {});
    // Both servers stopped before their folders go.
    await stop(confab?.server);
    await stop(guide);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  // Ctrl-C and kill skip `finally`.
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => cleanUp().finally(() => process.exit(1)));
  try {
    log(`setting up the guide's app from ${seed}`);
    prepareGuide(seed, path.join(tmp, 'guide'));
    guide = await startGuide(path.join(tmp, 'guide'));
    fs.mkdirSync(path.join(tmp, 'confab'));
    confab = await startConfab(path.join(tmp, 'confab'));
    await serverUp(confab.url, confab.server);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [...chromiumArgs, '--use-fake-ui-for-media-stream'],
    });

    const steps = { guide: guideCall(GUIDE_URL), confab: confabCall(confab.url) };
    const once = (name) => attempt(name, () => measureCall(browser, steps[name]));
    for (const name of Object.keys(APPS)) await once(name);
    const runs = { guide: [], confab: [] };
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? ['guide', 'confab'] : ['confab', 'guide'];
      for (const name of order) {
        const run = await once(name);
        runs[name].push(run);
        log(`round ${round}/${rounds}, ${APPS[name]}: ${run.setup.toFixed(1)} ms (A sees B ${run.a_sees_b.toFixed(1)}, B sees A ${run.b_sees_a.toFixed(1)})`);
      }
    }
    host.load_average_at_end = os.loadavg()[0];
    const result = {
      machine: host,
      chromium: browser.version(),
      rounds,
      method: METHOD,
      guide: { server: GUIDE_URL, seed, ...summariseCalls(runs.guide) },
      confab: { server: confab.url, binary, server_panics: confab.panics, ...summariseCalls(runs.confab) },
      retried,
    };
    result.ratio = {
      median: result.confab.setup.median / result.guide.setup.median,
      p90: result.confab.setup.p90 / result.guide.setup.p90,
    };
    if (flag('json')) console.log(JSON.stringify(result, null, 2));
    else printTable(result);
  } finally {
    await cleanUp();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
