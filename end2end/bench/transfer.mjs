// File-transfer benchmark: two headless Chromium peers on this machine, in one Confab call.
//
// For the same random file it measures
//   - Confab's transfer: from the receiver clicking Accept to the receiver showing "Verified"
//     (reading from disk, hashing on both sides, backpressure, storing and checking included);
//   - the ceiling: a bare RTCDataChannel on the same peer connection, pushing the same bytes
//     (already in memory) as fast as the browser takes them, and nothing else;
// and prints MB/s for each, the ratio, and the receiver's peak memory during Confab's transfer.
//
// Usage: node end2end/bench/transfer.mjs [--mb 256] [--rounds 3] [--json]
// (scripts/bench-transfer.sh builds the release server first and runs this.)
// For finding where time goes: --camera-off (no video in the call), --chunk-kib N (the ceiling's
// message size), --raw-file (the ceiling reads the file as Confab does), --raw-fold (the
// ceiling's receiver keeps the bytes in a Blob as Confab does), --verbose (each transfer's
// phases and the sender's buffer level), --profile (where each page's main thread spends time).
//
// On a network with a round-trip time (--rtt MS): the receiver's browser runs in a network
// namespace behind a link that delays every packet by half of it each way (delay.mjs), so the
// call's data crosses that link; with --channels N the ceiling spreads its chunks over N bare
// channels (on the same connection) to show whether parallel channels beat the round trip.
//
// Each round runs both, alternating which goes first, after one uncounted Confab transfer that
// warms the call up and gives the receiver's memory before any raw bytes touch its page.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumArgs } from '../chromium.mjs';
import { binary, chromiumPath, flag, log, option, root, serverUp } from './common.mjs';
import { createDelayedHost } from './delay.mjs';

const MB = 1024 * 1024;
const sizeMb = Number(option('mb', '256'));
const rounds = Number(option('rounds', '3'));
const json = flag('json');
// With --camera-off both people join with their cameras off (sound only).
const cameraOff = flag('camera-off');
// With --verbose each transfer's phases are printed.
const verbose = flag('verbose');
const chunk = Number(option('chunk-kib', '64')) * 1024;
const port = Number(option('port', '3460'));
const rtt = Number(option('rtt', '0'));
const channels = Number(option('channels', '1'));

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
  if (cameraOff) await page.getByRole('button', { name: 'Turn camera off' }).click();
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await page.getByRole('button', { name: 'Leave' }).waitFor();
  if (others) await page.getByRole('figure', { name: others, exact: true }).waitFor();
}

/** Records the page's peer connections, so the ceiling can use the very same connection. */
const recordPeerConnections = () => {
  const Original = window.RTCPeerConnection;
  const all = [];
  window.__benchConnections = all;
  const now = () => performance.timeOrigin + performance.now();
  const phases = (window.__benchPhases = {});
  window.RTCPeerConnection = class extends Original {
    constructor(config) {
      super(config);
      all.push(this);
      // Receiving side: when file bytes first and last arrive.
      this.addEventListener('datachannel', ({ channel }) => {
        if (!channel.label.startsWith('file:')) return;
        channel.addEventListener('message', (event) => {
          if (typeof event.data === 'string') return;
          phases.firstReceived ??= now();
          phases.lastReceived = now();
        });
      });
    }
    createDataChannel(label, init) {
      const channel = super.createDataChannel(label, init);
      if (label.startsWith('file:')) {
        phases.channelCreated = now();
        phases.buffered = [];
        const timer = setInterval(() => {
          phases.buffered.push(Math.round(channel.bufferedAmount / 1024));
          if (channel.readyState === 'closed') clearInterval(timer);
        }, 100);
        const send = channel.send.bind(channel);
        channel.send = (data) => {
          if (typeof data !== 'string') {
            phases.firstSent ??= now();
            phases.lastSent = now();
          }
          return send(data);
        };
      }
      return channel;
    }
  };
};

/**
 * A bare data channel on the call's own peer connection (same transport, same path as
 * Confab's file channels): negotiated on both sides by id, so the app never sees it.
 */
async function rawPair(sender, receiver) {
  const open = (page, isReceiver) =>
    page.evaluate(async ({ isReceiver, count }) => {
      const pc = window.__benchConnections.find((c) => c.connectionState === 'connected');
      const all = Array.from({ length: count }, (_, i) =>
        pc.createDataChannel(`bench${i}`, { negotiated: true, id: 1000 + i }),
      );
      for (const channel of all) channel.binaryType = 'arraybuffer';
      const [channel] = all;
      window.__raw = { pc, channel, all, received: 0, expected: 0, done: null };
      if (isReceiver) {
        let parts = [];
        let loose = 0;
        let blob = null;
        const onmessage = ({ data }) => {
          const raw = window.__raw;
          if (raw.fold) {
            parts.push(data);
            loose += data.byteLength;
            if (loose >= 16 * 1024 * 1024) {
              blob = new Blob(blob ? [blob, ...parts] : parts);
              parts = [];
              loose = 0;
            }
          }
          raw.received += data.byteLength;
          if (raw.received >= raw.expected && raw.done) raw.done(performance.timeOrigin + performance.now());
        };
        for (const c of all) c.onmessage = onmessage;
      }
      for (const c of all) if (c.readyState !== 'open') await new Promise((r) => c.addEventListener('open', r));
    }, { isReceiver, count: channels });
  await Promise.all([open(sender, false), open(receiver, true)]);
  if (flag('raw-fold')) await receiver.evaluate(() => (window.__raw.fold = true));
}

/** The round trip of the call's path, as the receiving browser measures it (ICE), in ms. */
async function pathRtt(page) {
  return page.evaluate(async () => {
    const pc = window.__benchConnections.find((c) => c.connectionState === 'connected');
    const stats = [...(await pc.getStats()).values()];
    const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    return (pair?.currentRoundTripTime ?? NaN) * 1000;
  });
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
  const started = await sender.evaluate(async ({ chunk, fromFile }) => {
    const { channel } = window.__raw;
    let bytes = window.__raw.bytes;
    const high = 8 * 1024 * 1024;
    channel.bufferedAmountLowThreshold = 2 * 1024 * 1024;
    const start = performance.timeOrigin + performance.now();
    if (fromFile) {
      const file = document.getElementById('raw-bytes').files[0];
      const block = 1024 * 1024;
      const read = (from) => file.slice(from, Math.min(from + block, file.size)).arrayBuffer();
      let next = read(0);
      for (let offset = 0; offset < file.size; offset += block) {
        const data = new Uint8Array(await next);
        if (offset + block < file.size) next = read(offset + block);
        for (let at = 0; at < data.length; at += chunk) {
          if (channel.bufferedAmount > high) {
            await new Promise((r) => channel.addEventListener('bufferedamountlow', r, { once: true }));
          }
          channel.send(data.subarray(at, Math.min(at + chunk, data.length)));
        }
      }
      return start;
    }
    // Chunks go round the channels; each has its share of the buffer.
    const all = window.__raw.all;
    for (const c of all) c.bufferedAmountLowThreshold = (2 * 1024 * 1024) / all.length;
    let at = 0;
    let turn = 0;
    while (at < bytes.length) {
      const next = all[turn++ % all.length];
      if (next.bufferedAmount > high / all.length) {
        await new Promise((r) => next.addEventListener('bufferedamountlow', r, { once: true }));
      }
      const end = Math.min(at + chunk, bytes.length);
      next.send(bytes.subarray(at, end));
      at = end;
    }
    return start;
  }, { chunk, fromFile: flag('raw-file') });
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
  if (verbose) {
    const take = (page) => page.evaluate(() => {
      const p = window.__benchPhases;
      window.__benchPhases = {};
      return p;
    });
    const phases = { ...(await take(sender)), ...(await take(receiver)) };
    const at = (t) => (t ? `${((t - started) / 1000).toFixed(3)} s` : '-');
    log(`  accept 0, channel created ${at(phases.channelCreated)}, first sent ${at(phases.firstSent)}, ` +
      `first received ${at(phases.firstReceived)}, last sent ${at(phases.lastSent)}, ` +
      `last received ${at(phases.lastReceived)}, verified ${at(result.at)}`);
    log(`  sender's bufferedAmount every 100 ms (KiB): ${phases.buffered?.join(' ')}`);
  }
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

  // With a round trip, the receiver is across the delayed link and the server listens on it.
  const far = rtt > 0 ? await createDelayedHost(rtt) : null;
  const host = far ? far.hostIp : '127.0.0.1';
  const server = spawn(binary, ['--host', host, '--port', String(port), '--data-dir', path.join(tmp, 'data')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  const url = `https://${host}:${port}`;
  const launch = (executablePath) =>
    chromium.launchServer({
      executablePath,
      args: [...chromiumArgs, '--use-fake-ui-for-media-stream'],
    });
  const servers = [];
  try {
    await serverUp(url);
    servers.push(await launch(chromiumPath), await launch(far ? far.chromium : chromiumPath));
    const [senderBrowser, receiverBrowser] = await Promise.all(servers.map((s) => chromium.connect(s.wsEndpoint())));
    const context = async (b) => {
      const c = await b.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
      await c.addInitScript(recordPeerConnections);
      return c;
    };
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

    // A first Confab transfer warms the call up (the video's bandwidth estimate, SCTP's congestion
    // window) and gives the receiver's memory before any raw bytes touch its page; it is not
    // counted for speed. Then the rounds alternate which goes first.
    const receiverPid = servers[1].process().pid;
    const baseline = {
      renderer: rss(receiverPid, (cmd) => cmd.includes('--type=renderer')),
      browser: rss(receiverPid, (cmd) => !cmd.includes('--type=')),
    };
    const warmup = await confabRun(sender, receiver, file, name, receiverPid, cdp);
    const peak = warmup.peak;
    log(`warm-up: Confab transfer ${(bytes / MB / warmup.seconds).toFixed(1)} MiB/s (not counted)`);
    await rawPair(sender, receiver);
    const roundTrip = await pathRtt(receiver);
    await loadRawBytes(sender, file);
    const confab = [];
    const raw = [];
    const profiling = flag('profile');
    const senderCdp = await sender.context().newCDPSession(sender);
    const runConfab = async (round) => {
      if (profiling) for (const c of [cdp, senderCdp]) {
        await c.send('Profiler.enable');
        await c.send('Profiler.setSamplingInterval', { interval: 200 });
        await c.send('Profiler.start');
      }
      const run = await confabRun(sender, receiver, file, name, receiverPid, cdp);
      if (profiling) for (const [who, c] of [['receiver', cdp], ['sender', senderCdp]]) {
        const { profile } = await c.send('Profiler.stop');
        const self = new Map();
        let total = 0;
        const dt = new Map(profile.nodes.map((n) => [n.id, 0]));
        profile.samples.forEach((id) => dt.set(id, dt.get(id) + 1));
        for (const n of profile.nodes) {
          const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
          self.set(key, (self.get(key) ?? 0) + dt.get(n.id));
          total += dt.get(n.id);
        }
        log(`${who} main thread, share of samples:`);
        for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) log(`  ${(100 * v / total).toFixed(1)}% ${k}`);
      }
      confab.push(bytes / MB / run.seconds);
      log(`round ${round}: Confab transfer   ${(bytes / MB / run.seconds).toFixed(1)} MiB/s`);
    };
    const runRaw = async (round) => {
      const rawSeconds = await rawRun(sender, receiver, chunk);
      raw.push(bytes / MB / rawSeconds);
      log(`round ${round}: raw data channel ${(bytes / MB / rawSeconds).toFixed(1)} MiB/s`);
    };
    for (let round = 1; round <= rounds; round++) {
      if (round % 2) {
        await runRaw(round);
        await runConfab(round);
      } else {
        await runConfab(round);
        await runRaw(round);
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const result = {
      file_mib: sizeMb,
      rounds,
      ceiling_mib_per_s: median(raw),
      confab_mib_per_s: median(confab),
      ratio: median(confab) / median(raw),
      rtt_ms: roundTrip,
      ceiling_channels: channels,
      raw_runs: raw,
      confab_runs: confab,
      receiver_renderer_rss_before_mib: baseline.renderer / MB,
      receiver_peak_renderer_rss_mib: peak.renderer / MB,
      receiver_browser_process_rss_before_mib: baseline.browser / MB,
      receiver_peak_js_heap_mib: peak.heap / MB,
      receiver_peak_browser_process_rss_mib: peak.browser / MB,
      machine: `${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, ${os.cpus()[0]?.model ?? ''}`.trim(),
    };
    if (json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      const f = (x) => x.toFixed(1).padStart(8);
      const path = rtt > 0 ? `a link with ${rtt} ms round trip (ICE measured ${roundTrip.toFixed(1)} ms)` : 'loopback';
      console.log(`\nFile transfer, ${sizeMb} MiB random file, two headless Chromium peers on ${path} (${result.machine})`);
      console.log(`median of ${rounds} rounds               MiB/s`);
      const ceiling = channels > 1 ? `${channels} bare RTCDataChannels` : 'bare RTCDataChannel   ';
      console.log(`  ceiling: ${ceiling} ${f(result.ceiling_mib_per_s)}   runs: ${raw.map((x) => x.toFixed(1)).join(', ')}`);
      console.log(`  Confab: Accept to Verified      ${f(result.confab_mib_per_s)}   runs: ${confab.map((x) => x.toFixed(1)).join(', ')}`);
      console.log(`  ratio                           ${(result.ratio * 100).toFixed(1).padStart(7)}%`);
      console.log(`receiver memory, in the call before the first transfer -> peak during it (MiB):`);
      console.log(`  page (renderer processes) RSS   ${f(result.receiver_renderer_rss_before_mib)} -> ${f(result.receiver_peak_renderer_rss_mib)}`);
      console.log(`  page JavaScript heap                        ${f(result.receiver_peak_js_heap_mib)}`);
      console.log(`  browser process RSS (blobs)     ${f(result.receiver_browser_process_rss_before_mib)} -> ${f(result.receiver_peak_browser_process_rss_mib)}`);
    }
  } finally {
    for (const s of servers) await s.close().catch(() => {});
    server.kill('SIGTERM');
    far?.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
