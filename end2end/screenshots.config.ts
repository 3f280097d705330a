// Playwright settings for `bash scripts/screenshots.sh` only: the same server and browser as the
// tests, but the specs in ./screenshots, which take pictures instead of testing. A plain
// `npx playwright test` never runs them (its specs are in ./tests).
import { defineConfig } from '@playwright/test';
import tests from './playwright.config';

export default defineConfig({
  ...tests,
  testDir: './screenshots',
  // The call tour takes six browsers through some thirty states.
  timeout: 600_000,
});
