// Browser benchmark: what a person waits for, measured in headless Chromium on this machine.
//
//   1. Download size of the release bundle (confab.wasm, confab.js, confab.css), raw and gzip -9,
//      and what the browser actually transferred (the server sends precompressed copies).
//   2. Navigation to hydrated: a fresh browser context (empty cache) opens the home page and a
//      meeting link; the time from navigation start until the app marks <html data-hydrated>,
//      with the navigation timing breakdown beside it.
//   3. Call set-up: Ada is in a call, Bob waits in the lobby with his camera preview running and
//      clicks Join; the time until the first remote video frame is on screen on both sides, and
//      where that time goes (signaling, ICE configuration, negotiation, ICE, DTLS, first frame).
//
// Every time is read from the pages' own clocks (performance.now() / timeOrigin), never from
// Playwright's round trips, and frames are detected with requestVideoFrameCallback, not polling.
//
// Usage: node end2end/bench/browser.mjs [--rounds 10] [--json] [--port N]
// (scripts/bench-browser.sh builds the release server and site first, then runs this.)
// It starts its own target/release/confab (or the binary CONFAB_BENCH_BIN or CONFAB_E2E_BIN
// names) on a free loopback port. Progress goes to stderr; the table (or with --json one JSON
// object with every round's figures and stage marks) to stdout.
//
// This file runs the three parts and prints them: browser/size.mjs, browser/navigation.mjs and
// browser/call.mjs measure, browser/report.mjs prints the table; ./common.mjs is shared with the
// file-transfer benchmark and setup-vs-guide.mjs (which also measures call set-up).
import { chromium } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumArgs } from '../chromium.mjs';
import { call } from './browser/call.mjs';
import { navigation } from './browser/navigation.mjs';
import { newPage, retried, startMeeting } from './browser/pages.mjs';
import { printTable } from './browser/report.mjs';
import { downloadSize } from './browser/size.mjs';
import { chromiumPath, flag, machine, option, root, serverUp, startConfab, stop } from './common.mjs';

const rounds = Number(option('rounds', '10'));
if (!(Number.isInteger(rounds) && rounds > 0)) {
  console.error('usage: node end2end/bench/browser.mjs [--rounds N] [--json] [--port N]');
  process.exit(2);
}
const json = flag('json');
// The bundle measured is the one the server serves (it honours LEPTOS_SITE_ROOT too).
const pkg = path.resolve(root, process.env.LEPTOS_SITE_ROOT ?? 'target/site', 'pkg');

async function main() {
  const host = await machine();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-bench-browser-'));
  const confab = await startConfab(tmp);
  const { url, server } = confab;
  let browser;
  try {
    const result = { machine: host, rounds, server: url };
    result.size = downloadSize(pkg);
    await serverUp(url, server);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [...chromiumArgs, '--use-fake-ui-for-media-stream'],
    });
    result.chromium = browser.version();

    // A meeting link for the navigation figures: a real room, made the way a person makes one.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const room = await startMeeting(await newPage(context), url);
    await context.close();

    result.navigation = await navigation(browser, url, room, rounds);
    result.call = await call(browser, url, rounds);
    result.machine.load_average_at_end = os.loadavg()[0];
    result.retried = retried;
    result.server_panics = confab.panics;
    if (json) console.log(JSON.stringify(result, null, 2));
    else printTable(result, pkg);
  } finally {
    await browser?.close().catch(() => {});
    // Before its data folder goes.
    await stop(server);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
