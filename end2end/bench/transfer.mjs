// File-transfer benchmark: two headless Chromium peers on this machine, in one Confab call.
//
// For the same random file it measures
//   - Confab's transfer: from the receiver clicking Accept to the receiver showing "Verified"
//     (reading from disk, hashing on both sides, backpressure, storing and checking included);
//   - the ceiling: a bare RTCDataChannel between the same two browsers, pushing the same bytes
//     (already in memory) as fast as the browser takes them, and nothing else;
// and prints MB/s for each, the ratio, and the receiver's peak memory during Confab's transfer.
//
// Usage: node end2end/bench/transfer.mjs [--mb 256] [--rounds 3] [--json]
// (scripts/bench-transfer.sh builds the release server first and runs this.)
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumArgs } from '../chromium.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const MB = 1024 * 1024;
const sizeMb = Number(option('mb', '256'));
const rounds = Number(option('rounds', '3'));
const json = args.includes('--json');
const port = Number(option('port', '3460'));
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const binary = path.join(root, 'target/release/confab');
const chromiumPath = process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium';
const log = (...words) => {
  if (!json) console.error(...words);
};

/** Resolves once the server answers /healthz. */
async function serverUp(url) {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise((resolve) => {
      https
        .get(`${url}/healthz`, { rejectUnauthorized: false }, (res) => resolve(res.statusCode === 200))
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

/** Resident memory of a process and all its descendants that match `filter`, in bytes. */
function rss(pid, filter = () => true) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(Number(entry));
    } catch {}
  }
  let total = 0;
  const walk = (p) => {
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (filter(cmd)) {
        const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        total += kb * 1024;
      }
    } catch {}
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return total;
}

/** Joins the meeting under `name` and waits until the other tile shows. */
async function join(page, link, name, others) {
  await page.goto(link);
  // The lobby is ready (hydrated, camera open) when Join is enabled.
  const joinButton = page.getByRole('button', { name: 'Join', exact: true });
  for (let i = 0; i < 300 && !(await joinButton.isEnabled()); i++) await page.waitForTimeout(100);
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await page.getByRole('button', { name: 'Leave' }).waitFor();
  if (others) await page.getByRole('figure', { name: others, exact: true }).waitFor();
}

/** A bare data-channel pair between the two pages, set up through this script. */
async function rawPair(sender, receiver) {
  const offer = await sender.evaluate(async () => {
    const pc = new RTCPeerConnection();
    const channel = pc.createDataChannel('raw');
    channel.binaryType = 'arraybuffer';
    window.__raw = { pc, channel };
    await pc.setLocalDescription();
    await new Promise((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
    return pc.localDescription.toJSON();
  });
  const answer = await receiver.evaluate(async (offer) => {
    const pc = new RTCPeerConnection();
    window.__raw = { pc, received: 0, expected: 0, done: null };
    pc.ondatachannel = ({ channel }) => {
      channel.binaryType = 'arraybuffer';
      channel.onmessage = ({ data }) => {
        const raw = window.__raw;
        raw.received += data.byteLength;
        if (raw.received >= raw.expected && raw.done) raw.done(performance.timeOrigin + performance.now());
      };
    };
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription();
    await new Promise((r) => (pc.iceGatheringState === 'complete' ? r() : pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r())));
    return pc.localDescription.toJSON();
  }, offer);
  await sender.evaluate(async (answer) => {
    await window.__raw.pc.setRemoteDescription(answer);
    const { channel } = window.__raw;
    if (channel.readyState !== 'open') await new Promise((r) => channel.addEventListener('open', r));
  }, answer);
}

/** Puts the file into the sender page's memory for the raw loop. */
async function loadRawBytes(sender, file) {
  await sender.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'raw-bytes';
    input.hidden = true;
    document.body.append(input);
  });
  await sender.setInputFiles('#raw-bytes', file);
  await sender.evaluate(async () => {
    window.__raw.bytes = new Uint8Array(await document.getElementById('raw-bytes').files[0].arrayBuffer());
  });
}

/** One raw run: seconds to push every byte through the bare channel. */
async function rawRun(sender, receiver, chunk) {
  const total = await sender.evaluate(() => window.__raw.bytes.length);
  const finished = receiver.evaluate((total) => {
    window.__raw.received = 0;
    window.__raw.expected = total;
    return new Promise((resolve) => (window.__raw.done = resolve));
  }, total);
  const started = await sender.evaluate(async (chunk) => {
    const { channel, bytes } = window.__raw;
    const high = 8 * 1024 * 1024;
    channel.bufferedAmountLowThreshold = 2 * 1024 * 1024;
    const start = performance.timeOrigin + performance.now();
    let at = 0;
    while (at < bytes.length) {
      if (channel.bufferedAmount > high) {
        await new Promise((r) => channel.addEventListener('bufferedamountlow', r, { once: true }));
      }
      const end = Math.min(at + chunk, bytes.length);
      channel.send(bytes.subarray(at, end));
      at = end;
    }
    return start;
  }, chunk);
  return ((await finished) - started) / 1000;
}

/** One Confab run: seconds from Accept to Verified, and the receiver's peak memory meanwhile. */
async function confabRun(sender, receiver, file, name, receiverPid, cdp) {
  await sender.getByRole('button', { name: /^Files/ }).click();
  await sender.getByLabel('Choose files to send').setInputFiles(file);
  await sender.getByRole('button', { name: /^Files/ }).click();
  const item = receiver.getByRole('listitem', { name: `${name} from Sender`, exact: true }).last();
  await item.getByRole('button', { name: 'Accept' }).waitFor();

  const peak = { renderer: 0, browser: 0, heap: 0 };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak.renderer = Math.max(peak.renderer, rss(receiverPid, (cmd) => cmd.includes('--type=renderer')));
      peak.browser = Math.max(peak.browser, rss(receiverPid, (cmd) => !cmd.includes('--type=')));
      const { metrics } = await cdp.send('Performance.getMetrics');
      const heap = metrics.find((m) => m.name === 'JSHeapTotalSize')?.value ?? 0;
      peak.heap = Math.max(peak.heap, heap);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const verified = receiver.evaluate((title) => {
    return new Promise((resolve) => {
      const check = () => {
        const items = [...document.querySelectorAll('li.transfer')].filter((li) => li.getAttribute('aria-label') === title);
        const text = items.at(-1)?.textContent ?? '';
        if (text.includes('Verified')) return resolve({ ok: true, at: performance.timeOrigin + performance.now() });
        if (text.includes('Failed')) return resolve({ ok: false, at: 0, text });
        return false;
      };
      if (check() === false) {
        const observer = new MutationObserver(() => check() !== false && observer.disconnect());
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      }
    });
  }, `${name} from Sender`);
  const started = await receiver.evaluate(() => performance.timeOrigin + performance.now());
  await item.getByRole('button', { name: 'Accept' }).click();
  const result = await verified;
  sampling = false;
  await sampler;
  if (!result.ok) throw new Error(`the transfer failed: ${result.text}`);
  return { seconds: (result.at - started) / 1000, peak };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-bench-'));
  const name = 'bench.bin';
  const file = path.join(tmp, name);
  log(`writing ${sizeMb} MiB of random bytes to ${file}`);
  const fd = fs.openSync(file, 'w');
  for (let left = sizeMb; left > 0; left -= 16) fs.writeSync(fd, randomBytes(Math.min(16, left) * MB));
  fs.closeSync(fd);
  const bytes = sizeMb * MB;

  const server = spawn(binary, ['--host', '127.0.0.1', '--port', String(port), '--data-dir', path.join(tmp, 'data')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  const url = `https://127.0.0.1:${port}`;
  const launch = () =>
    chromium.launchServer({
      executablePath: chromiumPath,
      args: [...chromiumArgs, '--use-fake-ui-for-media-stream'],
    });
  const servers = [];
  try {
    await serverUp(url);
    servers.push(await launch(), await launch());
    const [senderBrowser, receiverBrowser] = await Promise.all(servers.map((s) => chromium.connect(s.wsEndpoint())));
    const context = (b) => b.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
    const sender = await (await context(senderBrowser)).newPage();
    const receiver = await (await context(receiverBrowser)).newPage();
    await sender.goto(url);
    await sender.getByRole('button', { name: 'Start a meeting' }).click();
    await sender.waitForURL(/\/room\//);
    const link = sender.url();
    await join(sender, link, 'Sender');
    await join(receiver, link, 'Receiver', 'Sender');
    await sender.getByRole('figure', { name: 'Receiver', exact: true }).waitFor();
    const cdp = await receiver.context().newCDPSession(receiver);
    await cdp.send('Performance.enable');

    await rawPair(sender, receiver);
    await loadRawBytes(sender, file);
    const chunk = 64 * 1024;
    const raw = [];
    const confab = [];
    let peak = { renderer: 0, browser: 0, heap: 0 };
    for (let round = 1; round <= rounds; round++) {
      const rawSeconds = await rawRun(sender, receiver, chunk);
      raw.push(bytes / MB / rawSeconds);
      log(`round ${round}: raw data channel ${(bytes / MB / rawSeconds).toFixed(1)} MiB/s`);
      const run = await confabRun(sender, receiver, file, name, servers[1].process().pid, cdp);
      confab.push(bytes / MB / run.seconds);
      for (const key of Object.keys(peak)) peak[key] = Math.max(peak[key], run.peak[key]);
      log(`round ${round}: Confab transfer   ${(bytes / MB / run.seconds).toFixed(1)} MiB/s`);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const result = {
      file_mib: sizeMb,
      rounds,
      ceiling_mib_per_s: median(raw),
      confab_mib_per_s: median(confab),
      ratio: median(confab) / median(raw),
      raw_runs: raw,
      confab_runs: confab,
      receiver_peak_renderer_rss_mib: peak.renderer / MB,
      receiver_peak_js_heap_mib: peak.heap / MB,
      receiver_peak_browser_process_rss_mib: peak.browser / MB,
      machine: `${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, ${os.cpus()[0]?.model ?? ''}`.trim(),
    };
    if (json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      const f = (x) => x.toFixed(1).padStart(8);
      console.log(`\nFile transfer, ${sizeMb} MiB random file, two headless Chromium peers on loopback (${result.machine})`);
      console.log(`median of ${rounds} rounds               MiB/s`);
      console.log(`  ceiling: bare RTCDataChannel    ${f(result.ceiling_mib_per_s)}   runs: ${raw.map((x) => x.toFixed(1)).join(', ')}`);
      console.log(`  Confab: Accept to Verified      ${f(result.confab_mib_per_s)}   runs: ${confab.map((x) => x.toFixed(1)).join(', ')}`);
      console.log(`  ratio                           ${(result.ratio * 100).toFixed(1).padStart(7)}%`);
      console.log(`receiver peak during Confab's transfers:`);
      console.log(`  page (renderer processes) RSS   ${f(result.receiver_peak_renderer_rss_mib)} MiB`);
      console.log(`  page JavaScript heap            ${f(result.receiver_peak_js_heap_mib)} MiB`);
      console.log(`  browser process RSS (blobs)     ${f(result.receiver_peak_browser_process_rss_mib)} MiB`);
    }
  } finally {
    for (const s of servers) await s.close().catch(() => {});
    server.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
