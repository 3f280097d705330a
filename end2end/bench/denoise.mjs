// Noise-suppression benchmark: RNNoise (the confab-denoise crate as WebAssembly) and its worklet,
// public/denoise-worklet.js.
//
// 1. Size: the module as cargo built it, after `wasm-opt -O3`, and Brotli/gzip of that.
// 2. Node: the CPU time per second of audio, calling the module frame by frame, and through the
//    worklet's own process() in 128-sample quanta (the worklet runs here on a small stand-in for
//    AudioWorkletGlobalScope); the delay the worklet adds, found by sending a click through it.
// 3. Chromium (headless, Playwright): the fake microphone plays each sound of
//    end2end/fixtures/denoise/make.sh; getUserMedia -> confab-denoise -> AnalyserNode; the level
//    with the worklet denoising and bypassed, in blocks of one loop of the sound (on, off, off,
//    on, so a slow drift of the browser's gain control falls on both equally), for each set of
//    getUserMedia constraints. Prints the noise's attenuation and what speech loses.
//
// Usage: bash scripts/bench-denoise.sh  (builds the module, then runs this), or
//   node end2end/bench/denoise.mjs --wasm PATH [--seconds 10] [--modes default,ns-off,raw]
//     [--sounds noise,speech-noise,speech] [--skip-browser] [--skip-node]
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import { chromiumArgs } from '../chromium.mjs';
import { chromiumPath, flag, log, option, root } from './common.mjs';

const FRAME = 480;
const RATE = 48000;
const QUANTUM = 128;
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
const wasmPath = option('wasm', path.join(targetDir, 'wasm32-unknown-unknown/release/confab_denoise.wasm'));
const blockSeconds = Number(option('seconds', '10'));
const modes = option('modes', 'default,ns-off').split(',');
const sounds = option('sounds', 'noise,speech-noise,speech').split(',');
const workletPath = path.join(root, 'public/denoise-worklet.js');
const pagePath = path.join(root, 'end2end/bench/denoise/page.js');

/** getUserMedia's `audio` for each mode. */
const constraintsFor = {
  default: true,
  'ns-off': { noiseSuppression: false },
  raw: { noiseSuppression: false, echoCancellation: false, autoGainControl: false },
};

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;

// ---- 1. Size ----------------------------------------------------------------------------------
if (!fs.existsSync(wasmPath)) {
  console.error(`no module at ${wasmPath}: cargo build -p confab-denoise --release --target wasm32-unknown-unknown`);
  process.exit(1);
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-denoise-bench-'));
const optimised = path.join(work, 'confab_denoise.wasm');
execFileSync(path.join(root, 'end2end/node_modules/.bin/wasm-opt'), ['-O3', wasmPath, '-o', optimised]);
const raw = fs.readFileSync(wasmPath);
const wasm = fs.readFileSync(optimised);
const brotli = zlib.brotliCompressSync(wasm, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
const gzip = zlib.gzipSync(wasm, { level: 9 });
console.log(
  `size: ${kb(raw.length)} as built, ${kb(wasm.length)} after wasm-opt -O3 ` +
    `(${kb(brotli.length)} Brotli, ${kb(gzip.length)} gzip -9)`,
);

/** Noise like a room's, the same on every run: uniform white noise at about -33 dBFS. */
function noise(seconds, seed = 1) {
  const out = new Float32Array(seconds * RATE);
  let state = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * 0.039;
  }
  return out;
}

/** CPU milliseconds (this process, user + system) and wall milliseconds that `run` takes. */
function timed(run) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  run();
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1000, wall: performance.now() - wall };
}

const perSecond = (label, { cpu, wall }, seconds) =>
  `${label}: ${(cpu / seconds).toFixed(2)} ms CPU per second of audio ` +
  `(wall ${(wall / seconds).toFixed(2)} ms), real-time factor ${(cpu / seconds / 1000).toFixed(4)}`;

/** Loads the worklet file with a stand-in for AudioWorkletGlobalScope; returns its class. */
async function workletClass() {
  let registered = null;
  globalThis.sampleRate = RATE;
  globalThis.AudioWorkletProcessor = class {
    constructor() {
      this.port = { onmessage: null, sent: [], postMessage: (m) => this.port.sent.push(m) };
    }
  };
  globalThis.registerProcessor = (name, processor) => {
    if (name !== 'confab-denoise') throw new Error(`registered as ${name}`);
    registered = processor;
  };
  await import(pathToFileURL(workletPath).href);
  return registered;
}

/** A worklet processor with the module loaded (its 'ready' message received). */
async function readyProcessor(Processor) {
  const processor = new Processor({ processorOptions: { wasm } });
  for (let i = 0; i < 100 && processor.port.sent.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [message] = processor.port.sent;
  if (message?.type !== 'ready') throw new Error(`the worklet said ${JSON.stringify(message)}`);
  return { processor, message };
}

/** Runs `input` through `processor` in render quanta; returns what came out. */
function render(processor, input) {
  const output = new Float32Array(input.length);
  for (let at = 0; at + QUANTUM <= input.length; at += QUANTUM) {
    const out = output.subarray(at, at + QUANTUM);
    processor.process([[input.subarray(at, at + QUANTUM)]], [[out]]);
  }
  return output;
}

const fixtures = path.join(work, 'sounds');
execFileSync('bash', [path.join(root, 'end2end/fixtures/denoise/make.sh'), fixtures, String(blockSeconds)], {
  stdio: ['ignore', 'ignore', 'inherit'],
});

/** A 16-bit mono WAV from make.sh as samples in [-1, 1] (the data chunk follows the header). */
function readWav(name) {
  const bytes = fs.readFileSync(path.join(fixtures, `${name}.wav`));
  let at = 12;
  while (bytes.toString('latin1', at, at + 4) !== 'data') at += 8 + bytes.readUInt32LE(at + 4);
  const length = bytes.readUInt32LE(at + 4) / 2;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = bytes.readInt16LE(at + 8 + 2 * i) / 32768;
  return out;
}

const dot = (a, b, n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] * b[i];
  return sum;
};
const db = (power) => 10 * Math.log10(power);

// ---- 2. Node ----------------------------------------------------------------------------------
if (!flag('skip-node')) {
  const seconds = 60;
  const audio = noise(seconds);
  const warm = noise(2, 2);
  for (const [label, bytes] of [
    ['WASM as built', raw],
    ['WASM after wasm-opt', wasm],
  ]) {
    const { instance } = await WebAssembly.instantiate(bytes, {});
    const e = instance.exports;
    const denoiser = e.denoise_new();
    const frames = (signal) => {
      for (let at = 0; at + FRAME <= signal.length; at += FRAME) {
        new Float32Array(e.memory.buffer, e.denoise_input(denoiser), FRAME).set(signal.subarray(at, at + FRAME));
        e.denoise_process(denoiser);
      }
    };
    frames(warm); // the engine compiles the hot code optimised only after it has run a while
    console.log(perSecond(`node, ${label}, frame by frame`, timed(() => frames(audio)), seconds));
    e.denoise_free(denoiser);
  }

  const Processor = await workletClass();
  const { processor, message } = await readyProcessor(Processor);
  render(processor, warm);
  console.log(perSecond('node, the worklet in 128-sample quanta', timed(() => render(processor, audio)), seconds));

  // The delay: a click through a fresh worklet, bypassed (the dry path is delayed exactly as the
  // denoised one), and the lag at which the denoised output best matches the input.
  const { processor: fresh } = await readyProcessor(Processor);
  fresh.port.onmessage({ data: { type: 'bypass', on: true } });
  fresh.mix = 0; // no fade for the click
  const click = new Float32Array(RATE / 10);
  click[1000] = 0.5;
  const heard = render(fresh, click).findIndex((s) => s !== 0) - 1000;
  const signal = noise(3, 3);
  const { processor: third } = await readyProcessor(Processor);
  const out = render(third, signal);
  let best = 0;
  let bestScore = -Infinity;
  for (let lag = 0; lag < 2 * FRAME + 2 * QUANTUM; lag++) {
    let score = 0;
    for (let i = RATE; i < 2 * RATE; i++) score += signal[i] * out[i + lag];
    if (score > bestScore) [best, bestScore] = [lag, score];
  }
  const ms = (samples) => `${samples} samples, ${((samples / RATE) * 1000).toFixed(2)} ms`;
  console.log(
    `latency: the worklet says ${ms(message.latency)}: ${ms(message.latency - FRAME)} ` +
      `waiting to fill 480-sample frames from 128-sample quanta + ${ms(FRAME)} inside RNNoise ` +
      `(each output frame is the input frame before it); measured: a click comes out ` +
      `${ms(heard)} late bypassed, noise correlates best at ${ms(best)} denoised`,
  );

  // The sounds, offline through the worklet: each played twice, the second time measured (RNNoise
  // has settled), the output lined up with the input by the worklet's delay. The speech in the
  // output is its projection on the clean speech; what is left over is the noise that remains.
  const twice = (signal) => {
    const out = new Float32Array(2 * signal.length);
    out.set(signal);
    out.set(signal, signal.length);
    return out;
  };
  const through = async (signal) => {
    const { processor: p } = await readyProcessor(Processor);
    const out = render(p, twice(signal));
    return out.subarray(signal.length + message.latency);
  };
  const noiseIn = readWav('noise');
  const speech = readWav('speech');
  const mixed = readWav('speech-noise');
  const noiseOut = await through(noiseIn);
  const n = noiseOut.length - QUANTUM;
  console.log(`offline, noise.wav: attenuated by ${(db(dot(noiseIn, noiseIn, n)) - db(dot(noiseOut, noiseOut, n))).toFixed(1)} dB`);
  for (const [label, input] of [['speech.wav', speech], ['speech-noise.wav', mixed]]) {
    const out = await through(input);
    const gain = dot(out, speech, n) / dot(speech, speech, n);
    const residue = out.map((s, i) => s - gain * speech[i]);
    const snrIn = label === 'speech.wav' ? 'clean' : `${(db(dot(speech, speech, n)) - db(dot(noiseIn, noiseIn, n))).toFixed(1)} dB`;
    const snrOut = db(gain * gain * dot(speech, speech, n)) - db(dot(residue, residue, n));
    console.log(
      `offline, ${label}: the speech in it loses ${(-20 * Math.log10(gain)).toFixed(2)} dB; ` +
        `speech to everything else: ${snrIn} in, ${snrOut.toFixed(1)} dB out`,
    );
  }
}

// ---- 3. Chromium ------------------------------------------------------------------------------
if (!flag('skip-browser')) {
  const files = {
    '/': ['text/html', '<!doctype html><title>denoise</title><script type="module">' +
      "import * as bench from '/page.js'; window.bench = bench;</script>"],
    '/page.js': ['text/javascript', fs.readFileSync(pagePath)],
    '/denoise-worklet.js': ['text/javascript', fs.readFileSync(workletPath)],
    '/confab_denoise.wasm': ['application/wasm', wasm],
  };
  const server = http.createServer((request, response) => {
    const file = files[request.url];
    response.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
    response.end(file?.[1] ?? 'not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  log(`serving the page at ${url}`);

  const results = [];
  for (const sound of sounds) {
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [...chromiumArgs, '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${path.join(fixtures, `${sound}.wav`)}`],
    });
    try {
      const context = await browser.newContext({ permissions: ['microphone'] });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`page: ${error}`));
      await page.goto(url);
      await page.waitForFunction(() => window.bench);
      if (sound === sounds[0]) {
        // The checks that need no measuring: another rate is refused, a compiled module works.
        const wrongRate = await page.evaluate(() =>
          window.bench.start({ sampleRate: 44100 }).then(() => 'ready', (e) => e.message),
        );
        await page.evaluate(() => window.bench.stop());
        const asModule = await page.evaluate(() =>
          window.bench.start({ asModule: true }).then(() => 'ready', (e) => e.message),
        );
        await page.evaluate(() => window.bench.stop());
        console.log(`chromium: at 44.1 kHz: "${wrongRate}"; given a compiled WebAssembly.Module: ${asModule}`);
      }
      for (const mode of modes) {
        const started = await page.evaluate((constraints) => window.bench.start({ constraints }), constraintsFor[mode]);
        const { noiseSuppression, echoCancellation, autoGainControl } = started.settings;
        log(`${sound}, ${mode}: ready at ${started.sampleRate} Hz; track: noiseSuppression ${noiseSuppression}, ` +
          `echoCancellation ${echoCancellation}, autoGainControl ${autoGainControl}`);
        await page.evaluate(() => window.bench.sleep(3000)); // RNNoise settles
        const levels = { on: [], off: [] };
        for (const state of ['on', 'off', 'off', 'on']) {
          await page.evaluate((on) => window.bench.bypass(on), state === 'off');
          await page.evaluate(() => window.bench.sleep(700)); // the fade and the analyser's window
          levels[state].push(await page.evaluate((ms) => window.bench.level(ms), blockSeconds * 1000));
        }
        const stats = await page.evaluate(() => window.bench.stats());
        await page.evaluate(() => window.bench.stop());
        // Mean power over the two blocks of each state.
        const mean = (dbs) => 10 * Math.log10(dbs.reduce((sum, db) => sum + 10 ** (db / 10), 0) / dbs.length);
        const on = mean(levels.on);
        const off = mean(levels.off);
        results.push({ sound, mode, on, off, change: on - off, frames: stats.frames });
        log(`  bypassed ${off.toFixed(1)} dBFS, denoised ${on.toFixed(1)} dBFS (${stats.frames} frames)`);
      }
    } finally {
      await browser.close();
    }
  }
  server.close();

  console.log('chromium: level out of the worklet, denoised against bypassed (same microphone track)');
  for (const { sound, mode, on, off, change } of results) {
    const what =
      sound === 'noise'
        ? `noise attenuated by ${(-change).toFixed(1)} dB`
        : sound === 'speech'
          ? `clean speech loses ${(-change).toFixed(1)} dB`
          : `speech + noise loses ${(-change).toFixed(1)} dB (removing all the noise alone would be 0.4 dB)`;
    console.log(`  ${sound.padEnd(12)} getUserMedia ${mode.padEnd(7)}: bypassed ${off.toFixed(1)} dBFS, ` +
      `denoised ${on.toFixed(1)} dBFS: ${what}`);
  }
}
fs.rmSync(work, { recursive: true, force: true });
