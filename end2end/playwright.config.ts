import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumArgs } from './chromium.mjs';
import { confabBinary } from './server';

// The server under test: the binary built by `cargo leptos build` (release unless told otherwise),
// started fresh on its own port with a throwaway data directory.
const port = Number(process.env.CONFAB_E2E_PORT ?? 3443);
const dataDir = path.join(os.tmpdir(), `confab-e2e-${process.pid}`);

export { chromiumArgs };

export default defineConfig({
  testDir: './tests',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  // Every test runs several browsers encoding video: one at a time on a small machine.
  workers: 1,
  fullyParallel: false,
  // No retries: a test that fails once in twenty runs is a bug to find, not to hide.
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `https://127.0.0.1:${port}`,
    ignoreHTTPSErrors: true,
    permissions: ['camera', 'microphone'],
    launchOptions: {
      executablePath: process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium',
      args: [...chromiumArgs, '--use-fake-ui-for-media-stream'],
    },
    trace: 'off',
  },
  webServer: {
    // TURN on a free port of its own, so test servers never compete for 3478.
    command: `${confabBinary} --host 127.0.0.1 --port ${port} --data-dir ${dataDir} --turn-listen 127.0.0.1:0`,
    cwd: '..',
    url: `https://127.0.0.1:${port}/healthz`,
    ignoreHTTPSErrors: true,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
