// The noise-suppression worklet in Firefox: that both ways of handing it the module (a compiled
// WebAssembly.Module, the bytes) work, that it denoises the fan of end2end/fixtures/denoise, that
// bypassing passes it, and that another sample rate is refused. Firefox headless here has no audio
// output, and a real-time AudioContext there closes the tab, so this renders offline
// (OfflineAudioContext runs the same AudioWorklet).
//
// Needs firefox-esr (apt) and puppeteer-core 24.43.1 (npm; not among end2end's packages):
//   npm install --prefix /tmp/confab-firefox puppeteer-core@24.43.1   (PUPPETEER_SKIP_DOWNLOAD=1)
//   PUPPETEER_CORE=/tmp/confab-firefox/node_modules/puppeteer-core/lib/esm/puppeteer/puppeteer-core.js \
//     node end2end/bench/denoise-firefox.mjs --wasm target/denoise/confab_denoise.wasm
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { option, root } from './common.mjs';

const { default: puppeteer } = await import(process.env.PUPPETEER_CORE ?? 'puppeteer-core');
const wasmPath = option('wasm', path.join(root, 'target/denoise/confab_denoise.wasm'));
const sounds = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-denoise-firefox-'));
execFileSync('bash', [path.join(root, 'end2end/fixtures/denoise/make.sh'), sounds], { stdio: 'ignore' });

const files = {
  '/': ['text/html', '<!doctype html><title>denoise</title>'],
  '/denoise-worklet.js': ['text/javascript', fs.readFileSync(path.join(root, 'public/denoise-worklet.js'))],
  '/confab_denoise.wasm': ['application/wasm', fs.readFileSync(wasmPath)],
  '/noise.wav': ['audio/wav', fs.readFileSync(path.join(sounds, 'noise.wav'))],
};
const server = http.createServer((request, response) => {
  const file = files[request.url];
  response.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
  response.end(file?.[1] ?? 'not found');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.CONFAB_FIREFOX ?? '/usr/bin/firefox-esr',
  headless: true,
});
try {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${server.address().port}/`);
  console.log(`firefox ${await browser.version()}: noise.wav through the worklet, level after its first 3 s`);
  for (const [form, rate, bypass] of [
    ['module', 48000, false],
    ['bytes', 48000, false],
    ['bytes', 48000, true],
    ['bytes', 44100, false],
  ]) {
    const { said, level } = await page.evaluate(
      async (form, rate, bypass) => {
        const context = new OfflineAudioContext(1, rate * 10, rate);
        await context.audioWorklet.addModule('/denoise-worklet.js');
        const bytes = await (await fetch('/confab_denoise.wasm')).arrayBuffer();
        const wasm = form === 'module' ? await WebAssembly.compile(bytes) : bytes;
        const source = context.createBufferSource();
        source.buffer = await context.decodeAudioData(await (await fetch('/noise.wav')).arrayBuffer());
        const node = new AudioWorkletNode(context, 'confab-denoise', {
          outputChannelCount: [1],
          channelCount: 1,
          channelCountMode: 'explicit',
          processorOptions: { wasm },
        });
        // Offline rendering outruns the module's loading: start once the worklet has spoken.
        const said = await new Promise((resolve) => {
          node.port.onmessage = ({ data }) => resolve(data);
          setTimeout(() => resolve({ type: 'silent' }), 5000);
        });
        node.port.postMessage({ type: 'bypass', on: bypass });
        source.connect(node).connect(context.destination);
        source.start();
        const out = (await context.startRendering()).getChannelData(0);
        let sum = 0;
        for (let i = rate * 3; i < out.length; i++) sum += out[i] * out[i];
        return { said, level: 10 * Math.log10(sum / (out.length - rate * 3)) };
      },
      form,
      rate,
      bypass,
    );
    const what = said.type === 'error' ? `error "${said.reason}"` : said.type;
    console.log(`  ${form} at ${rate} Hz${bypass ? ', bypassed' : ''}: ${what}; ${level.toFixed(1)} dBFS`);
  }
} finally {
  await browser.close();
  server.close();
  fs.rmSync(sounds, { recursive: true, force: true });
}
