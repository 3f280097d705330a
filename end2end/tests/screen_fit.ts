// Whether a screen fits the device it is shown on, as a person would notice: nothing to scroll,
// every control on screen and clear of the others, no serious accessibility problem (axe-core).
// Also the devices these checks (and the screenshots) are made on. call_states.ts drives the call
// screen into each of its states.
import { Browser, BrowserContextOptions, Locator, Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';
import { PersonOptions, expect, tile } from './support';

/** The `person` fixture of ./support. */
export type Person = (options?: PersonOptions) => Promise<Page>;

/** A device the app must fit: its name (as in screenshot file names) and its screen. */
export type Screen = { name: string; context: BrowserContextOptions };

/** A laptop. */
export const desktop: Screen = { name: 'desktop', context: { viewport: { width: 1366, height: 768 } } };

/** A phone held upright: touch, no hover, and the page's meta viewport honoured. */
export const phone: Screen = {
  name: 'phone',
  context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

/**
 * `browser`, but every profile `person({ browser })` makes on it has the given screen (a screen
 * is chosen when a profile is made), so the fixture's error checks still apply.
 */
export function on(browser: Browser, screen: Screen): Browser {
  const sized: Browser = Object.create(browser);
  sized.newContext = (options: BrowserContextOptions = {}) => browser.newContext({ ...screen.context, ...options });
  return sized;
}

/**
 * Launch options for a browser whose fake camera sends 5 frames a second rather than 20, so that
 * six people sending video to one another stay within what a small machine can encode. For
 * `test.use({ launchOptions: lightCamera })`.
 */
export const lightCamera = {
  executablePath: process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    ...chromiumArgs.map((flag: string) => (flag === '--use-fake-device-for-media-stream' ? `${flag}=fps=5` : flag)),
    '--use-fake-ui-for-media-stream',
  ],
};

/**
 * How a check reports: `soft` records a failure and lets the test go on (`expect.soft`), and
 * `label` names the state checked in the message.
 */
export type Check = { soft?: boolean; label?: string };
const checker = ({ soft = false }: Check) => (soft ? expect.soft : expect);
const prefix = ({ label }: Check) => (label ? `${label}: ` : '');

/** Waits until nothing on the page moves (transitions, finite animations) and it has painted. */
export async function settle(page: Page): Promise<void> {
  const moving = () =>
    page.evaluate(
      () =>
        document
          .getAnimations()
          .filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().endTime !== Infinity).length,
    );
  await expect.poll(moving).toBe(0);
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)));
  });
}

/** The document is no taller than the screen: nothing is below the fold. */
export async function expectNoVerticalScroll(page: Page, check: Check = {}): Promise<void> {
  const { height, inner } = await page.evaluate(() => ({
    height: document.scrollingElement!.scrollHeight,
    inner: window.innerHeight,
  }));
  // A phone zooms out to show an over-wide page whole, and innerHeight grows with it.
  const screen = Math.min(inner, page.viewportSize()?.height ?? inner);
  const message = `${prefix(check)}the page is ${height} px tall on a ${screen} px high screen`;
  checker(check)(height, message).toBeLessThanOrEqual(screen);
}

/** The element's box lies wholly inside the screen. */
export async function expectInViewport(page: Page, locator: Locator, check: Check = {}): Promise<void> {
  await checker(check)(locator, `${prefix(check)}${locator} is shown`).toBeVisible();
  if (!(await locator.isVisible())) return;
  const box = (await locator.boundingBox())!;
  const { width, height } = page.viewportSize()!;
  const inside = box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
  const [left, top, right, bottom] = [box.x, box.y, box.x + box.width, box.y + box.height].map(Math.round);
  const message = `${prefix(check)}${locator} (x ${left}–${right}, y ${top}–${bottom}) is inside the ${width}x${height} screen`;
  checker(check)(inside, message).toBe(true);
}

/** What counts as a control: whatever can be clicked, typed into or reached with Tab. */
const CONTROLS = 'button, a[href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/**
 * Every pair of controls that overlap by more than 1 px both ways, named, e.g.
 * `button "Pin" on Bob's tile and button "Leave" overlap by 40x12 px`. Counted: visible, enabled
 * controls outside inert content (and inside the modal dialog, if one is open), as much of each
 * as its clipping ancestors leave showing. A control and what it contains do not count.
 */
export async function overlappingControls(page: Page): Promise<string[]> {
  return page.evaluate((selector) => {
    /** The part of the element that its overflow-clipping ancestors leave showing, or null. */
    const shown = (element: Element) => {
      const r = element.getBoundingClientRect();
      let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
      let position = getComputedStyle(element).position;
      for (let a = element.parentElement; a && position !== 'fixed'; a = a.parentElement) {
        const style = getComputedStyle(a);
        // An absolutely positioned box escapes the overflow of ancestors below its containing block.
        if (position === 'absolute' && style.position === 'static') continue;
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
          const c = a.getBoundingClientRect();
          [left, top] = [Math.max(left, c.left), Math.max(top, c.top)];
          [right, bottom] = [Math.min(right, c.right), Math.min(bottom, c.bottom)];
        }
        position = style.position;
      }
      return right - left > 0 && bottom - top > 0 ? { left, top, right, bottom } : null;
    };
    /** Role (or tag), a short name and the tile it is on, for the message. */
    const describe = (element: Element) => {
      const labelledBy = element.getAttribute('aria-labelledby');
      const name =
        element.getAttribute('aria-label') ||
        (labelledBy && labelledBy.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ')) ||
        (element as HTMLInputElement).labels?.[0]?.textContent ||
        element.textContent ||
        element.getAttribute('title') ||
        element.getAttribute('placeholder') ||
        '';
      const role = element.getAttribute('role') ?? element.tagName.toLowerCase();
      const tile = element.closest('figure')?.getAttribute('aria-label');
      return `${role} "${name.replace(/\s+/g, ' ').trim().slice(0, 40)}"${tile ? ` on ${tile}'s tile` : ''}`;
    };
    const modal = document.querySelector('dialog:modal');
    const controls = [...document.querySelectorAll(selector)]
      .filter(
        (e) =>
          !e.matches(':disabled') &&
          !e.closest('[inert]') &&
          (!modal || modal.contains(e)) &&
          e.checkVisibility({ visibilityProperty: true }),
      )
      .flatMap((element) => {
        const box = shown(element);
        return box ? [{ element, box }] : [];
      });
    const overlaps: string[] = [];
    for (const [i, a] of controls.entries()) {
      for (const b of controls.slice(i + 1)) {
        if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
        const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
        const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
        if (x > 1 && y > 1) {
          overlaps.push(`${describe(a.element)} and ${describe(b.element)} overlap by ${Math.round(x)}x${Math.round(y)} px`);
        }
      }
    }
    return overlaps;
  }, CONTROLS);
}

/** No two controls overlap (see `overlappingControls`). */
export async function expectNoOverlaps(page: Page, check: Check = {}): Promise<void> {
  checker(check)(await overlappingControls(page), `${prefix(check)}controls that overlap`).toEqual([]);
}

/** The WCAG 2.0 and 2.1 rules, levels A and AA. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page and fails, with one readable entry per problem, if it finds any
 * violation of impact serious or critical.
 */
export async function checkAxe(page: Page, label: string, check: Omit<Check, 'label'> = {}): Promise<void> {
  // The page's Content-Security-Policy ('strict-dynamic') lets a script added by script run.
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  }
  const problems = await page.evaluate(async (tags) => {
    const results = await (window as any).axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return (results.violations as any[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => {
        const where = (v.nodes as any[])
          .slice(0, 5)
          .map((n) => `\n    at ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`);
        const more = v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : '';
        return `${v.impact} ${v.id}: ${v.help}${where.join('')}${more}`;
      });
  }, WCAG_TAGS);
  checker(check)(problems, `${label}: serious or critical accessibility violations`).toEqual([]);
}

/** The call controls: a toolbar fixed at the bottom of the call screen. */
export function toolbar(page: Page): Locator {
  return page.getByRole('toolbar', { name: 'Call controls' });
}

/** The microphone button, whatever it says (mute, unmute, or unavailable). */
export function micButton(page: Page): Locator {
  return page.getByRole('button', { name: /^(Mute microphone|Unmute microphone|Microphone unavailable)$/ });
}

/** The Leave button of the call screen. */
export function leaveButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Leave', exact: true });
}

/**
 * The call screen fits its screen: it does not scroll, no controls overlap, axe finds nothing
 * serious, and the microphone button and Leave are on screen. Soft: a failure is recorded under
 * `label` and the test goes on, so one run lists every state that does not fit.
 */
export async function fits(page: Page, label: string, { menuOpen = false } = {}): Promise<void> {
  const check = { soft: true, label };
  await settle(page);
  await expectNoVerticalScroll(page, check);
  // An open menu is drawn over what is next to it, as menus are: only then may controls overlap.
  if (!menuOpen) await expectNoOverlaps(page, check);
  await checkAxe(page, label, check);
  await expectInViewport(page, micButton(page), check);
  await expectInViewport(page, leaveButton(page), check);
}

/** Nothing is drawn over the element: at its middle and near each corner, it is what shows. */
export async function expectUncovered(locator: Locator, check: Check = {}): Promise<void> {
  const covered = await locator.evaluate((element) => {
    const r = element.getBoundingClientRect();
    const points = [
      [(r.left + r.right) / 2, (r.top + r.bottom) / 2],
      [r.left + 2, r.top + 2],
      [r.right - 2, r.top + 2],
      [r.left + 2, r.bottom - 2],
      [r.right - 2, r.bottom - 2],
    ];
    return points.flatMap(([x, y]) => {
      const shown = document.elementFromPoint(x, y);
      if (shown && (shown === element || element.contains(shown))) return [];
      return [`(${Math.round(x)}, ${Math.round(y)}) by ${shown?.outerHTML.slice(0, 80)}`];
    });
  });
  checker(check)(covered, `${prefix(check)}${locator} is covered at`).toEqual([]);
}

/** Every tile lies wholly on screen. */
export async function expectTilesOnScreen(page: Page, check: Check = {}): Promise<void> {
  const names = await page.getByRole('figure').evaluateAll((figures) => figures.map((f) => f.getAttribute('aria-label')));
  for (const [i, name] of names.entries()) {
    await expectInViewport(page, name ? tile(page, name) : page.getByRole('figure').nth(i), check);
  }
}

/** How much wider the widest tile is than the next. */
async function widestRatio(page: Page): Promise<number> {
  const widths = await page.getByRole('figure').evaluateAll((figures) => figures.map((f) => f.getBoundingClientRect().width));
  const [first, second] = widths.sort((a, b) => b - a);
  return first / second;
}

/** Waits until one tile is shown large (a stage): half as wide again as any other. */
export async function expectStage(page: Page): Promise<void> {
  await expect.poll(() => widestRatio(page)).toBeGreaterThan(1.5);
}

/** Waits until no tile is shown large. */
export async function expectNoStage(page: Page): Promise<void> {
  await expect.poll(() => widestRatio(page)).toBeLessThan(1.5);
}

/** Waits until every tile shows a picture, or says the camera is off. */
export async function videosShowing(page: Page): Promise<void> {
  const showing = () =>
    page.getByRole('figure').evaluateAll((figures) =>
      figures.every(
        (figure) =>
          figure.querySelector('[role="img"][aria-label="Camera off"]') !== null ||
          (figure.querySelector('video')?.videoWidth ?? 0) > 0,
      ),
    );
  await expect.poll(showing).toBe(true);
}
