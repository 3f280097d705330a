// 2. Navigation to hydrated: fresh browser contexts open the home page and a meeting link.
import { log, summary } from '../common.mjs';
import { attempt, newPage, until } from './pages.mjs';

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

/** `rounds` loads of the home page and of the meeting link `room`, after one uncounted each. */
export async function navigation(browser, url, room, rounds) {
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
