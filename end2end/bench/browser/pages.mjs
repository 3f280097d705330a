// The browser benchmark's page helpers: pages that report their failures, waiting for a
// condition inside a page, retrying a round a busy machine spoiled, starting a meeting.
import { log } from '../common.mjs';

/** A new page that remembers its uncaught errors (a WASM file that fails to load, a panic). */
export async function newPage(context) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  return page;
}

/** Waits until `test` holds in the page; fails at once, with the reason, if the page broke. */
export async function until(page, test, timeout = 20_000) {
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
export const retried = [];

/**
 * Runs one round, again if it fails (at most three times in a whole run): on a busy machine a
 * page now and then loses its WASM download, which says nothing about the round's figure.
 */
export async function attempt(what, round) {
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

export const isHydrated = () => document.documentElement.dataset.hydrated === 'true';

/** Starts a meeting from the home page, as a person does, and returns its link. */
export async function startMeeting(page, url) {
  await page.goto(`${url}/`);
  // Before hydration the button does nothing (it is not a form).
  await until(page, isHydrated);
  await page.getByRole('button', { name: 'Start a meeting' }).click();
  await page.waitForURL(/\/room\//);
  return page.url();
}
