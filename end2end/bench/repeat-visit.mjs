// Bytes a meeting link costs on a first visit and on a repeat visit, as a browser that trusts the
// server's certificate counts them (Chromium keeps nothing in its HTTP cache for a page with a
// certificate error, so the browser is told to trust this server's self-signed key instead of
// ignoring errors). Each visit is a new start of the browser on the same profile.
//
//   node end2end/bench/repeat-visit.mjs [--json]      (after bash scripts/build.sh)
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumArgs } from '../chromium.mjs';
import { chromiumPath, flag, log, serverUp, startConfab, stop } from './common.mjs';

/** The base64 SHA-256 of the certificate's public key, as Chromium's SPKI allow-list wants it. */
function spkiHash(certificate) {
  const key = execFileSync('openssl', ['x509', '-in', certificate, '-pubkey', '-noout']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: key });
  return execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64');
}

/** Opens `url` in a fresh start of the browser on `profile`; bytes over the wire per file. */
async function visit(profile, url, spki) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: [
      ...chromiumArgs.filter((flag) => flag !== '--ignore-certificate-errors'),
      '--use-fake-ui-for-media-stream',
      `--ignore-certificate-errors-spki-list=${spki}`,
    ],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const files = new Map();
    cdp.on('Network.responseReceived', ({ requestId, response }) =>
      files.set(requestId, { path: new URL(response.url).pathname, status: response.status, bytes: 0 }),
    );
    cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
      const file = files.get(requestId);
      if (file) file.bytes = encodedDataLength;
    });
    await page.goto(url);
    await page.waitForSelector('html[data-hydrated]');
    // The lobby asks for the microphone, and with it the noise-suppression module.
    await page.getByRole('button', { name: 'Join', exact: true }).waitFor();
    await page.waitForTimeout(1000);
    return [...files.values()];
  } finally {
    await context.close();
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-repeat-'));
const profile = path.join(dataDir, 'profile');
const confab = await startConfab(path.join(dataDir, 'server'));
try {
  await serverUp(confab.url, confab.server);
  const spki = spkiHash(path.join(dataDir, 'server', 'tls', 'self-signed-cert.pem'));
  const link = `${confab.url}/room/abcdefghijklmnopqrstuvwxyz`;
  const first = await visit(profile, link, spki);
  const repeat = await visit(profile, link, spki);
  const total = (files, pattern) =>
    files.filter((f) => pattern.test(f.path)).reduce((sum, f) => sum + f.bytes, 0);
  const LATER = /\/pkg\/split_.*\.wasm$|^\/confab_(denoise|hash)\.wasm$|^\/(denoise-worklet|hash-worker)\.js$/;
  const rows = [
    ['the page (WASM)', /\/pkg\/confab\.wasm$/],
    ["the call's chunk (WASM)", /\/pkg\/split_.*\.wasm$/],
    ['their JS and CSS', /\/pkg\/.*\.(js|css)$/],
    ['the noise-suppression module', /confab_denoise\.wasm$/],
    ['everything', /./],
    // The page needs the rest to work; these it fetches once it runs (the call's code for Join,
    // the noise suppression and hashing modules off the main thread).
    ['what the page fetches once it works', LATER],
    ['what the page needs to work', new RegExp(`^(?!${LATER.source})`)],
  ].map(([what, pattern]) => ({ what, first: total(first, pattern), repeat: total(repeat, pattern) }));
  if (flag('json')) {
    console.log(JSON.stringify({ rows, first, repeat }));
  } else {
    console.log('bytes over the wire for a meeting link (headers included), first visit → repeat visit');
    for (const { what, first, repeat } of rows) {
      console.log(`  ${what.padEnd(38)} ${String(first).padStart(9)} → ${String(repeat).padStart(7)}`);
    }
  }
} finally {
  await stop(confab.server);
  fs.rmSync(dataDir, { recursive: true, force: true });
  log('done');
}
