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
// It starts its own target/release/confab on a free loopback port. Progress goes to stderr; the
// table (or with --json one JSON object with every round's figures and stage marks) to stdout.
import { chromium } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumArgs } from '../chromium.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const rounds = Number(option('rounds', '10'));
if (!(Number.isInteger(rounds) && rounds > 0)) {
  console.error('usage: node end2end/bench/browser.mjs [--rounds N] [--json] [--port N]');
  process.exit(2);
}
const json = args.includes('--json');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const binary = path.join(root, 'target/release/confab');
// The bundle measured is the one the server serves (it honours LEPTOS_SITE_ROOT too).
const pkg = path.resolve(root, process.env.LEPTOS_SITE_ROOT ?? 'target/site', 'pkg');
const chromiumPath = process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium';
const KIB = 1024;
/** Budget for the gzipped WASM, and the aim for call set-up. */
const WASM_GZIP_BUDGET = 200 * KIB;
const CALL_SETUP_AIM_MS = 120;
/** How long Bob sits in the lobby before clicking Join, as a person would (preview running). */
const LOBBY_SETTLE_MS = 1000;
const log = (...words) => {
  if (!json) console.error(...words);
};

// ---------------------------------------------------------------------------------------------
// Small helpers

/** A free TCP port on loopback (or --port). */
async function freePort() {
  if (option('port')) return Number(option('port'));
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers /healthz. */
async function serverUp(url, server) {
  for (let i = 0; i < 300; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ok = await new Promise((resolve) => {
      https
        .get(`${url}/healthz`, { rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

/** The q-quantile (0..1) of a list, interpolating between ranks; NaN for an empty list. */
function quantile(values, q) {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!xs.length) return NaN;
  const at = (xs.length - 1) * q;
  const low = Math.floor(at);
  return xs[low] + (xs[Math.min(low + 1, xs.length - 1)] - xs[low]) * (at - low);
}

/** Median, p90, min and max of a list of milliseconds. */
function summary(values) {
  return { median: quantile(values, 0.5), p90: quantile(values, 0.9), min: quantile(values, 0), max: quantile(values, 1) };
}

const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-').padStart(8);
const bytes = (x) => x.toLocaleString('en').padStart(11);

/** A new page that remembers its uncaught errors (a WASM file that fails to load, a panic). */
async function newPage(context) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  return page;
}

/** Waits until `test` holds in the page; fails at once, with the reason, if the page broke. */
async function until(page, test, timeout = 20_000) {
  for (const deadline = Date.now() + timeout; ; ) {
    if (page.errors.length) throw new Error(`${page.url()}: ${page.errors[0]}`);
    try {
      return await page.waitForFunction(test, null, { timeout: 250, polling: 50 });
    } catch (error) {
      if (error.name !== 'TimeoutError' || Date.now() > deadline) throw error;
    }
  }
}

/** Page failures that were retried, with their reasons, reported beside the figures. */
const retried = [];

/**
 * Runs one round, again if it fails (at most three times in a whole run): on a busy machine a
 * page now and then loses its WASM download, which says nothing about the round's figure.
 */
async function attempt(what, round) {
  for (;;) {
    try {
      return await round();
    } catch (error) {
      if (retried.length >= 3) throw error;
      retried.push(`${what}: ${error.message.split('\n')[0]}`);
      log(`${what} failed, trying again: ${error.message.split('\n')[0]}`);
    }
  }
}

const isHydrated = () => document.documentElement.dataset.hydrated === 'true';

/** Starts a meeting from the home page, as a person does, and returns its link. */
async function startMeeting(page, url) {
  await page.goto(`${url}/`);
  // Before hydration the button does nothing (it is not a form).
  await until(page, isHydrated);
  await page.getByRole('button', { name: 'Start a meeting' }).click();
  await page.waitForURL(/\/room\//);
  return page.url();
}

// ---------------------------------------------------------------------------------------------
// 1. Download size

/** Byte sizes of one WASM module's sections (code, data, ...), to see what the bytes are. */
function wasmSections(buffer) {
  const names = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];
  const sections = {};
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = buffer[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return value;
    }
  };
  while (at < buffer.length) {
    const name = names[buffer[at++]] ?? 'unknown';
    const size = leb();
    sections[name] = (sections[name] ?? 0) + size;
    at += size;
  }
  return sections;
}

function downloadSize() {
  const files = {};
  for (const name of ['confab.wasm', 'confab.js', 'confab.css']) {
    const file = path.join(pkg, name);
    // gzip itself, not node's zlib: its -9 output is the figure people quote (zlib's is ~1% larger).
    const gzip = execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 1 << 30 }).length;
    files[name] = { raw: fs.statSync(file).size, gzip };
  }
  const total = {
    raw: Object.values(files).reduce((sum, f) => sum + f.raw, 0),
    gzip: Object.values(files).reduce((sum, f) => sum + f.gzip, 0),
  };
  const sections = wasmSections(fs.readFileSync(path.join(pkg, 'confab.wasm')));
  return { files, total, wasm_sections: sections, wasm_gzip_budget: WASM_GZIP_BUDGET };
}

// ---------------------------------------------------------------------------------------------
// 2. Navigation to hydrated

/**
 * Init script: records performance.now() (milliseconds since navigation start) the moment the
 * app sets data-hydrated on <html>. It runs before the document exists, so it watches the whole
 * document for that attribute.
 */
const watchHydration = () => {
  const check = () => {
    if (document.documentElement?.dataset.hydrated === 'true') window.__hydratedAt ??= performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
};

/** One fresh-context page load of `url`: milliseconds from navigation start to each milestone. */
async function loadOnce(browser, url) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
  try {
    await context.addInitScript(watchHydration);
    const page = await newPage(context);
    await page.goto(url);
    await until(page, () => window.__hydratedAt !== undefined && performance.getEntriesByType('navigation')[0]?.loadEventEnd > 0);
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      const wasm = resources.find((r) => r.name.endsWith('.wasm'));
      return {
        response_start: nav.responseStart,
        response_end: nav.responseEnd,
        dom_content_loaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        wasm_downloaded: wasm?.responseEnd ?? NaN,
        hydrated: window.__hydratedAt,
        transferred: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
        wasm_served_bytes: wasm?.encodedBodySize,
        wasm_decoded_bytes: wasm?.decodedBodySize,
      };
    });
  } finally {
    await context.close();
  }
}

async function navigation(browser, url, room) {
  const pages = { home: `${url}/`, meeting: room };
  // One uncounted load of each first: the server's and the OS's first-touch costs are not what
  // a visitor of a running server pays.
  for (const [name, link] of Object.entries(pages)) await attempt(`${name} page load`, () => loadOnce(browser, link));
  const runs = { home: [], meeting: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const [name, link] of Object.entries(pages)) {
      const run = await attempt(`${name} page load`, () => loadOnce(browser, link));
      runs[name].push(run);
      log(`navigation ${round}/${rounds} ${name}: hydrated at ${run.hydrated.toFixed(1)} ms`);
    }
  }
  const result = {};
  for (const [name, list] of Object.entries(runs)) {
    result[name] = { url: pages[name], transferred_bytes: list[0].transferred, wasm_served_bytes: list[0].wasm_served_bytes, wasm_decoded_bytes: list[0].wasm_decoded_bytes };
    for (const key of ['response_start', 'response_end', 'dom_content_loaded', 'load', 'wasm_downloaded', 'hydrated']) {
      result[name][key] = summary(list.map((r) => r[key]));
    }
    result[name].hydrated_runs = list.map((r) => r.hydrated);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// 3. Call set-up

/**
 * Init script for the call pages. Marks the wall time (timeOrigin + now, comparable across the
 * two pages) of the first occurrence of each step a join goes through, by wrapping the page's
 * WebSocket, fetch and RTCPeerConnection (the app reaches them through the globals, so it uses
 * the wrappers without knowing). The first remote video frame is caught with
 * requestVideoFrameCallback on whichever <video> gets a stream holding a remote video track.
 * Marks are cleared when the benchmark arms the page, so only the measured join counts.
 */
const instrumentCall = () => {
  const now = () => performance.timeOrigin + performance.now();
  const bench = (window.__bench = { marks: {}, frame: null, remoteTracks: new Set() });
  const mark = (name, at = now()) => {
    bench.marks[name] ??= at;
  };
  bench.arm = () => {
    bench.marks = {};
    bench.frame = null;
    // Only a cross-check of the frame callback: a coarse upper bound on when a frame was there.
    clearInterval(bench.poll);
    bench.poll = setInterval(() => {
      for (const video of document.querySelectorAll('video')) {
        if (video.videoWidth > 0 && bench.isRemote(video.srcObject)) {
          mark('poll: videoWidth > 0');
          clearInterval(bench.poll);
        }
      }
    }, 4);
  };
  // A media element's resize fires when its first frame gives it a size (it does not bubble, so
  // listen in the capture phase).
  document.addEventListener('resize', ({ target }) => {
    if (target instanceof HTMLVideoElement && bench.isRemote(target.srcObject)) mark('video resize event');
  }, true);
  bench.isRemote = (stream) => !!stream?.getVideoTracks?.().some((t) => bench.remoteTracks.has(t.id));

  // Signaling: server messages by type, and negotiation signals by kind ("signal offer").
  const describe = (text) => {
    try {
      const message = JSON.parse(text);
      const signal = message.signal;
      if (!signal) return message.type;
      return `signal ${signal.kind === 'description' ? signal.sdp_type : signal.kind}`;
    } catch {
      return 'unreadable';
    }
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...rest) {
      super(...rest);
      mark('websocket created');
      // Registered before the app's own onmessage, so it runs first: the arrival time.
      this.addEventListener('open', () => mark('websocket open'));
      this.addEventListener('message', (event) => mark(`received ${describe(event.data)}`));
    }
    send(data) {
      mark(`sent ${describe(data)}`);
      return super.send(data);
    }
  };

  // The ICE configuration comes from a server function once the server has welcomed us.
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = String(input?.url ?? input);
    const result = nativeFetch(input, init);
    if (url.includes('ice_config')) {
      mark('ICE config requested');
      result.then(() => mark('ICE config received'), () => {});
    }
    return result;
  };

  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(config);
      bench.pc = this;
      mark('peer connection created');
      // Registered before the app's own onnegotiationneeded: when the browser asked, not when
      // the app got round to it.
      this.addEventListener('negotiationneeded', () => mark('negotiation needed'));
      this.addEventListener('icecandidate', ({ candidate }) => {
        if (candidate) mark(`first ${candidate.type} candidate`);
      });
      this.addEventListener('icegatheringstatechange', () => mark(`ICE gathering ${this.iceGatheringState}`));
      this.addEventListener('iceconnectionstatechange', () => mark(`ICE ${this.iceConnectionState}`));
      this.addEventListener('connectionstatechange', () => mark(`connection ${this.connectionState}`));
      this.addEventListener('track', ({ track }) => {
        bench.remoteTracks.add(track.id);
        mark(`${track.kind} track received`);
      });
    }
    setLocalDescription(...rest) {
      mark(this.signalingState === 'have-remote-offer' ? 'making answer' : 'making offer');
      return super.setLocalDescription(...rest).then((value) => {
        mark(`local ${this.localDescription.type} set`);
        return value;
      });
    }
    setRemoteDescription(description, ...rest) {
      return super.setRemoteDescription(description, ...rest).then((value) => {
        mark(`remote ${description.type} set`);
        return value;
      });
    }
  };

  // The app hands each remote stream to a <video> through srcObject: watch that assignment.
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...srcObject,
    set(stream) {
      srcObject.set.call(this, stream);
      if (!(this instanceof HTMLVideoElement) || !bench.isRemote(stream)) return;
      mark('remote video attached');
      this.requestVideoFrameCallback((callbackTime, frame) => {
        if (bench.frame) return;
        const wall = (t) => (t ? performance.timeOrigin + t : NaN);
        // presentationTime: when the frame went to the compositor; receiveTime: when its last
        // packet arrived from the network.
        bench.frame = {
          presented: wall(frame.presentationTime),
          expected_display: wall(frame.expectedDisplayTime),
          callback: wall(callbackTime),
          received: wall(frame.receiveTime),
          presented_frames: frame.presentedFrames,
          width: frame.width,
          height: frame.height,
        };
        mark('first remote frame received', bench.frame.received);
        mark('first remote frame presented', bench.frame.presented);
      });
    },
  });
};

/**
 * Offset of this page's wall clock (timeOrigin + now) from Date.now(), averaged over 20 ms so
 * Date.now()'s millisecond steps average out; two pages' offsets differ by their clock skew.
 */
const clockOffset = (page) =>
  page.evaluate(() => {
    let sum = 0;
    let n = 0;
    const end = performance.now() + 20;
    while (performance.now() < end) {
      sum += performance.timeOrigin + performance.now() - Date.now();
      n++;
    }
    return sum / n;
  });

/** A person's page in the lobby of `link`, camera preview running, name typed. */
async function openLobby(page, link, name) {
  await page.goto(link);
  const join = page.getByRole('button', { name: 'Join', exact: true });
  await join.waitFor();
  for (let i = 0; i < 300 && !(await join.isEnabled()); i++) await page.waitForTimeout(50);
  if (!(await join.isEnabled())) throw new Error(`${name}: the lobby never became ready`);
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  return join;
}

/** The candidate pair the page's connection uses, e.g. "host udp 127.0.0.1 -> host udp 127.0.0.1". */
const selectedPair = (page) =>
  page.evaluate(async () => {
    const reports = new Map();
    (await window.__bench.pc.getStats()).forEach((r) => reports.set(r.id, r));
    const transport = [...reports.values()].find((r) => r.type === 'transport');
    const pair = reports.get(transport?.selectedCandidatePairId);
    if (!pair) return 'none';
    const describe = (c) => `${c.candidateType} ${c.protocol} ${c.address}`;
    return `${describe(reports.get(pair.localCandidateId))} -> ${describe(reports.get(pair.remoteCandidateId))}`;
  });

/** The page's video counters right after the first frame: was a keyframe asked for again? */
const videoStats = (page) =>
  page.evaluate(async () => {
    const out = {};
    (await window.__bench.pc.getStats()).forEach((r) => {
      if (r.kind !== 'video') return;
      if (r.type === 'outbound-rtp') {
        out.sent = { frames: r.framesEncoded, keyframes: r.keyFramesEncoded, plis: r.pliCount, firs: r.firCount, encoder: r.encoderImplementation };
      }
      if (r.type === 'inbound-rtp') {
        out.received = { frames: r.framesDecoded, keyframes: r.keyFramesDecoded, dropped: r.framesDropped, plis: r.pliCount, nacks: r.nackCount };
      }
    });
    return out;
  });

/** One measured join: Ada is in the call, Bob clicks Join. */
async function callOnce(browser, url) {
  const context = async () => {
    const c = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
    await c.addInitScript(instrumentCall);
    return c;
  };
  const contexts = [await context(), await context()];
  try {
    const [ada, bob] = await Promise.all(contexts.map(newPage));
    const link = await startMeeting(ada, url);
    await (await openLobby(ada, link, 'Ada')).click();
    await ada.getByRole('button', { name: 'Leave' }).waitFor();
    const join = await openLobby(bob, link, 'Bob');
    await bob.waitForTimeout(LOBBY_SETTLE_MS);

    const skew = (await clockOffset(ada)) - (await clockOffset(bob));
    await Promise.all([ada, bob].map((p) => p.evaluate(() => window.__bench.arm())));
    // The click is dispatched inside Bob's page right after reading his clock, so t0 is the
    // click itself, not a Playwright round trip before it.
    const clicked = await join.evaluate((button) => {
      const t0 = performance.timeOrigin + performance.now();
      button.click();
      return t0;
    });
    const frame = (page) => until(page, () => window.__bench.frame && window.__bench.marks['poll: videoWidth > 0']);
    await Promise.all([frame(ada), frame(bob)]);
    const read = (page) =>
      page.evaluate(() => {
        const { marks, frame } = window.__bench;
        // The server function's own timing: when the request left and its first byte came back.
        const fetch = performance.getEntriesByType('resource').findLast((r) => r.name.includes('ice_config'));
        if (fetch && marks['ICE config requested']) {
          marks['ICE config request sent'] = performance.timeOrigin + fetch.requestStart;
          marks['ICE config first byte'] = performance.timeOrigin + fetch.responseStart;
        }
        return { marks, frame, protocol: fetch?.nextHopProtocol };
      });
    const [a, b] = [await read(ada), await read(bob)];
    const pair = await selectedPair(bob);
    const video = { a: await videoStats(ada), b: await videoStats(bob) };
    await Promise.all([ada, bob].map((p) => p.getByRole('button', { name: 'Leave' }).click()));

    const since = (t) => t - clicked;
    const stages = {};
    for (const [who, side] of [['A', a], ['B', b]]) {
      for (const [name, at] of Object.entries(side.marks)) stages[`${who} ${name}`] = since(at);
    }
    return {
      a_sees_b: since(a.frame.presented),
      b_sees_a: since(b.frame.presented),
      setup: Math.max(since(a.frame.presented), since(b.frame.presented)),
      // Cross-checks of the frame callback against the 4 ms videoWidth poll, per side. A busy
      // page may run its first callback only after a second frame: `late`, and then the
      // metadata (so the figure) is that later frame's.
      check: {
        sides: [a, b].map(({ marks, frame }) => ({
          late: frame.presented_frames > 1,
          poll_minus_received: marks['poll: videoWidth > 0'] - frame.received,
          poll_minus_presented: marks['poll: videoWidth > 0'] - frame.presented,
        })),
        clock_skew: skew,
      },
      ice_config_protocol: b.protocol,
      frames: { a: a.frame, b: b.frame },
      video,
      stages,
      pair,
    };
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
}

/** Stages shown in the breakdown, in the order a join goes through them (A: Ada, B: Bob). */
const STAGES = [
  ['B websocket created', 'Bob: click handled, WebSocket created'],
  ['B websocket open', 'Bob: signaling WebSocket open (TLS + upgrade)'],
  ['B sent join', 'Bob: join sent'],
  ['A received peer_joined', 'Ada: hears Bob joined'],
  ['B received welcome', 'Bob: welcome received'],
  ['A peer connection created', 'Ada: peer connection created'],
  ['B ICE config requested', 'Bob: ICE configuration: fetch() called'],
  ['B ICE config request sent', 'Bob: ICE configuration: request sent'],
  ['B ICE config first byte', 'Bob: ICE configuration: response'],
  ['B ICE config received', 'Bob: ICE configuration: fetch() resolved'],
  ['B peer connection created', 'Bob: peer connection created'],
  ['B negotiation needed', 'Bob: negotiationneeded fired'],
  ['B making offer', 'Bob: setLocalDescription() called'],
  ['B local offer set', 'Bob: offer made (setLocalDescription done)'],
  ['B first host candidate', 'Bob: first ICE candidate'],
  ['A received signal offer', 'Ada: offer received'],
  ['A remote offer set', 'Ada: offer applied'],
  ['A making answer', 'Ada: setLocalDescription() called'],
  ['A local answer set', 'Ada: answer made (setLocalDescription done)'],
  ['A first host candidate', 'Ada: first ICE candidate'],
  ['B received signal answer', 'Bob: answer received'],
  ['B remote answer set', 'Bob: answer applied'],
  ['A ICE checking', 'Ada: ICE checking'],
  ['B ICE checking', 'Bob: ICE checking'],
  ['A ICE connected', 'Ada: ICE connected'],
  ['B ICE connected', 'Bob: ICE connected'],
  ['A connection connected', 'Ada: DTLS done (connectionState connected)'],
  ['B connection connected', 'Bob: DTLS done (connectionState connected)'],
  ['A video track received', 'Ada: video track received (ontrack)'],
  ['B video track received', 'Bob: video track received (ontrack)'],
  ['A first remote frame received', "Ada: first frame of Bob's video received"],
  ['B first remote frame received', "Bob: first frame of Ada's video received"],
  ['A first remote frame presented', "Ada: first frame of Bob's video on screen"],
  ['B first remote frame presented', "Bob: first frame of Ada's video on screen"],
];

async function call(browser, url) {
  // One uncounted call first, as for navigation.
  await attempt('call', () => callOnce(browser, url));
  const runs = [];
  for (let round = 1; round <= rounds; round++) {
    const run = await attempt('call', () => callOnce(browser, url));
    runs.push(run);
    log(`call ${round}/${rounds}: A sees B ${run.a_sees_b.toFixed(1)} ms, B sees A ${run.b_sees_a.toFixed(1)} ms`);
  }
  const stageNames = new Set(runs.flatMap((r) => Object.keys(r.stages)));
  const stages = {};
  for (const name of stageNames) stages[name] = summary(runs.map((r) => r.stages[name] ?? NaN));
  return {
    a_sees_b: summary(runs.map((r) => r.a_sees_b)),
    b_sees_a: summary(runs.map((r) => r.b_sees_a)),
    setup: summary(runs.map((r) => r.setup)),
    aim_ms: CALL_SETUP_AIM_MS,
    stages,
    runs,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

/** Share of all CPUs busy over the next `ms` milliseconds (from /proc/stat), 0..1. */
async function cpuBusy(ms = 1000) {
  const read = () => {
    const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = fields[3] + fields[4];
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const before = read();
  await new Promise((r) => setTimeout(r, ms));
  const after = read();
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}

async function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown',
    memory_gib: Math.round(os.totalmem() / 1024 ** 3),
    // Before anything of ours runs: what else is using the machine.
    cpu_busy_before: await cpuBusy(),
    load_average_at_start: os.loadavg()[0],
  };
}

function printTable(r) {
  const m = r.machine;
  const out = (line = '') => console.log(line);
  out(`Confab browser benchmark, ${m.date}`);
  out(`machine: ${m.nproc} CPUs (nproc), ${m.cpu}, ${m.memory_gib} GiB; CPU ${(m.cpu_busy_before * 100).toFixed(0)}% busy just before the run; ` +
    `load average ${m.load_average_at_start.toFixed(2)} at start, ${m.load_average_at_end.toFixed(2)} at end`);
  out(`browser: Chromium ${r.chromium} headless, fake camera and microphone; server: ${r.server} on loopback`);
  out(`rounds: ${r.rounds} per figure (after one uncounted warm-up); times in ms`);
  if (r.retried.length) out(`retried after a page failure: ${r.retried.join('; ')}`);
  if (r.server_panics) out(`WARNING: the server panicked ${r.server_panics} time(s) during the run (its messages are on stderr)`);
  // Only the CPU use before the run says something about others (the run itself loads the
  // machine, and the load average still remembers the last minute).
  if (m.cpu_busy_before > 0.25) {
    out(`WARNING: something else was using the CPUs when the run started: the times below are inflated and noisy`);
  }

  const size = r.size;
  out(`\n${`1. Download size (${path.relative(root, pkg)})`.padEnd(38)} ${'raw bytes'.padStart(11)}   ${'gzip -9'.padStart(11)}`);
  for (const [name, f] of Object.entries(size.files)) out(`   ${name.padEnd(34)} ${bytes(f.raw)}   ${bytes(f.gzip)}`);
  out(`   ${'total'.padEnd(34)} ${bytes(size.total.raw)}   ${bytes(size.total.gzip)}`);
  const wasmGzip = size.files['confab.wasm'].gzip;
  const verdict = wasmGzip <= WASM_GZIP_BUDGET ? 'within' : `OVER by ${((wasmGzip - WASM_GZIP_BUDGET) / KIB).toFixed(0)} KiB`;
  out(`   budget: confab.wasm gzip <= ${WASM_GZIP_BUDGET / KIB} KiB: ${(wasmGzip / KIB).toFixed(0)} KiB, ${verdict}`);
  const sections = Object.entries(size.wasm_sections).sort((x, y) => y[1] - x[1]).slice(0, 4);
  out(`   wasm sections: ${sections.map(([n, b]) => `${n} ${b.toLocaleString('en')}`).join(', ')}`);
  const meeting = r.navigation.meeting;
  out(`   the browser transferred ${meeting.transferred_bytes.toLocaleString('en')} bytes for a meeting link, ${meeting.wasm_served_bytes.toLocaleString('en')} of them confab.wasm (precompressed, in the best encoding the browser accepts)`);
  if (meeting.wasm_decoded_bytes !== size.files['confab.wasm'].raw) {
    out(`   WARNING: the server served a ${meeting.wasm_decoded_bytes.toLocaleString('en')} byte confab.wasm, not the one measured above (rebuilt meanwhile?)`);
  }

  const header = (title) => out(`${title.padEnd(50)}  median      p90      min      max`);
  const row = (label, s, extra = '') => out(`   ${label.padEnd(47)}${ms(s.median)} ${ms(s.p90)} ${ms(s.min)} ${ms(s.max)}${extra}`);
  out('\n2. Navigation, fresh context (empty cache); ms after navigation start');
  for (const [name, title] of [['home', 'home page /'], ['meeting', 'meeting link /room/<id>']]) {
    const n = r.navigation[name];
    header(`   ${title}`);
    row('response start (first byte)', n.response_start);
    row('response end', n.response_end);
    row('DOMContentLoaded', n.dom_content_loaded);
    row('confab.wasm downloaded', n.wasm_downloaded);
    row('load', n.load);
    row('hydrated (data-hydrated set)', n.hydrated);
  }

  const c = r.call;
  out('\n3. Call set-up: Bob clicks Join -> first remote video frame on screen; ms after the click');
  header('');
  row('Ada sees Bob', c.a_sees_b);
  row('Bob sees Ada', c.b_sees_a);
  row('call set-up (both see each other)', c.setup, `   aim <= ${c.aim_ms}`);
  const late = (x, i) => (x.check.sides[i].late ? '*' : '');
  out(`   per round (A sees B / B sees A): ${c.runs.map((x) => `${x.a_sees_b.toFixed(0)}${late(x, 0)}/${x.b_sees_a.toFixed(0)}${late(x, 1)}`).join('  ')}`);
  const pairs = [...new Set(c.runs.map((x) => x.pair))];
  out(`   candidate pair used: ${pairs.join('; ')}`);
  const video = c.runs.flatMap((x) => [x.video.a, x.video.b]);
  const encoders = [...new Set(video.map((v) => v.sent?.encoder))].join(', ');
  const frameSize = [...new Set(c.runs.flatMap((x) => [x.frames.a, x.frames.b]).map((f) => `${f.width}x${f.height}`))].join(', ');
  const keyframes = Math.max(...video.map((v) => v.sent?.keyframes ?? 0));
  const plis = video.reduce((sum, v) => sum + (v.received?.plis ?? 0), 0);
  out(`   first frames ${frameSize}, encoder ${encoders}; keyframes sent per side by then: at most ${keyframes}; keyframe requests (PLI): ${plis}`);
  // The frame callback against a plain 4 ms poll of videoWidth in the same page: the first frame
  // must have arrived before the poll saw a size. videoWidth is set as the frame reaches the
  // player, just before it is composited, so the poll may see it a little before presentationTime.
  const sides = c.runs.flatMap((x) => x.check.sides);
  const first = sides.filter((x) => !x.late);
  const range = (key) => `${quantile(first.map((x) => x[key]), 0).toFixed(1)} to ${quantile(first.map((x) => x[key]), 1).toFixed(1)}`;
  const skews = c.runs.map((x) => Math.abs(x.check.clock_skew));
  const after = c.runs.every((x) => x.a_sees_b > 0 && x.b_sees_a > 0);
  const beforePoll = first.every((x) => x.poll_minus_received >= 0);
  out(`   check: every frame after the click: ${after ? 'yes' : 'NO'}; clock skew between the two pages <= ${quantile(skews, 1).toFixed(2)} ms`);
  out(`          ${first.length} of ${sides.length} first callbacks saw the first frame; each arrived before a 4 ms videoWidth poll saw a size: ` +
    `${beforePoll ? 'yes' : 'NO'} (poll - received ${range('poll_minus_received')}, poll - on screen ${range('poll_minus_presented')} ms)`);
  if (first.length < sides.length) {
    out(`          * the page ran its first callback only after a later frame: that figure is late by up to a frame (~33 ms)`);
  }
  out(`   ICE configuration fetched over ${[...new Set(c.runs.map((x) => x.ice_config_protocol))].join(', ')}`);
  out('\n   where the time goes (A: Ada, in the call; B: Bob, joining)');
  header('');
  for (const [key, label] of STAGES) if (c.stages[key]) row(label, c.stages[key]);
}

async function main() {
  const host = await machine();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-bench-browser-'));
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const server = spawn(
    binary,
    ['--host', '127.0.0.1', '--port', String(port), '--data-dir', tmp, '--turn-listen', '127.0.0.1:0'],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  // The server's warnings go to our stderr as they come; its panics are also counted for the
  // report (a panicking response shows up here only as a page that never loads).
  let serverPanics = 0;
  server.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    serverPanics += (String(chunk).match(/panicked at/g) ?? []).length;
  });
  // Also when this process dies of something `finally` does not see.
  process.on('exit', () => server.kill('SIGTERM'));
  let browser;
  try {
    const result = { machine: host, rounds, server: url };
    result.size = downloadSize();
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

    result.navigation = await navigation(browser, url, room);
    result.call = await call(browser, url);
    result.machine.load_average_at_end = os.loadavg()[0];
    result.retried = retried;
    result.server_panics = serverPanics;
    if (json) console.log(JSON.stringify(result, null, 2));
    else printTable(result);
  } finally {
    await browser?.close().catch(() => {});
    server.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
