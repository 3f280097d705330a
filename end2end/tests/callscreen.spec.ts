// The call screen as a person meets it on a laptop and on a phone: it fits the screen in every
// state, its controls are a toolbar reached before the tiles, its panels close with Escape, and
// it says what is going on (people coming and going, a copied link, a blocked camera).
import jsQR from 'jsqr';
import { chromiumArgs } from '../playwright.config';
import { expect, join, meeting, startMeeting, test, tile } from './support';
import {
  PANELS,
  askToRemove,
  closeButton,
  openPanel,
  panelRegion,
  panelToggle,
  removeConfirmation,
  tourCallScreen,
} from './call_states';
import {
  expectInViewport,
  expectNoOverlaps,
  expectNoVerticalScroll,
  expectTilesOnScreen,
  expectUncovered,
  fits,
  leaveButton,
  lightCamera,
  micButton,
  on,
  phone,
  settle,
  toolbar,
} from './screen_fit';

// Up to six browsers send video to one another here: a lighter camera keeps that affordable.
test.use({ launchOptions: lightCamera });

test('the call screen fits a 1366x768 desktop and a 390x844 phone in every state, with 1 to 6 people', async ({
  person,
  browser,
}) => {
  // Six browsers sending video to one another on a small machine, through some thirty states
  // (3 to 10 minutes, depending on the machine).
  test.setTimeout(900_000);
  await tourCallScreen(person, browser, async ({ page, screen, state, tile: name }) => {
    const label = `${state} (${screen.name})`;
    await test.step(label, async () => {
      await fits(page, label, { menuOpen: state === 'tile-options' });
      // With a panel or a dialog open the tiles may sit under it; otherwise all are on screen.
      if (state.startsWith('call-') || state === 'pinned' || state === 'screen-share') {
        await expectTilesOnScreen(page, { soft: true, label });
      }
      // The statistics never hide whose they are.
      if (state === 'statistics-open') {
        await expectUncovered(tile(page, name!).getByText(name!, { exact: true }), { soft: true, label });
      }
    });
  });
});

test('the call screen fits every window from 320x568 to 2560x1440, with and without a panel open', async ({
  person,
}) => {
  const { pages } = await meeting(person, 'Ada', 'Bob', 'Cy', 'Dee');
  const [ada] = pages;
  await expect(ada.getByRole('figure')).toHaveCount(4);
  const sizes = [
    [320, 568],
    [568, 320],
    [390, 844],
    [768, 1024],
    [1024, 768],
    [1366, 768],
    [1920, 1080],
    [2560, 1440],
  ];
  for (const panel of [null, 'Chat'] as const) {
    if (panel) await openPanel(ada, panel);
    for (const [width, height] of sizes) {
      const label = `${width}x${height}${panel ? `, ${panel} open` : ''}`;
      await ada.setViewportSize({ width, height });
      await settle(ada);
      const check = { soft: true, label };
      await expectNoVerticalScroll(ada, check);
      await expectNoOverlaps(ada, check);
      await expectInViewport(ada, micButton(ada), check);
      await expectInViewport(ada, leaveButton(ada), check);
      if (!panel) await expectTilesOnScreen(ada, check);
    }
  }
});

test('the toolbar holds the controls in order and comes before the tiles in tab order', async ({ person }) => {
  const { pages: [ada] } = await meeting(person, 'Ada', 'Bob');
  await expect(tile(ada, 'Bob')).toBeVisible();
  const expected = [
    'Mute microphone',
    'Turn camera off',
    'Share screen',
    'Raise hand',
    'Reactions',
    'People',
    'Chat',
    'Files',
    'Devices',
    'Settings',
    'Leave',
  ];
  const buttons = toolbar(ada).getByRole('button');
  await expect(buttons).toHaveCount(expected.length);
  for (const [i, name] of expected.entries()) await expect(buttons.nth(i)).toHaveAccessibleName(name);

  // Tab from the top of the page until focus leaves it or comes round again, noting each stop.
  await ada.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const stops: { name: string; inToolbar: boolean; inTile: boolean }[] = [];
  for (let i = 0; i < 100; i++) {
    await ada.keyboard.press('Tab');
    const stop = await ada.evaluate(() => {
      const focused = document.activeElement;
      const seen: WeakSet<Element> = ((window as any).__tabbed ??= new WeakSet());
      if (!focused || focused === document.body || seen.has(focused)) return null;
      seen.add(focused);
      return {
        name: focused.getAttribute('aria-label') ?? focused.textContent?.trim() ?? '',
        inToolbar: focused.closest('[role="toolbar"]') !== null,
        inTile: focused.closest('figure') !== null,
      };
    });
    if (!stop) break;
    stops.push(stop);
  }
  const order = stops.map((s) => `${s.name}${s.inToolbar ? ' (toolbar)' : s.inTile ? ' (tile)' : ''}`).join(', ');
  const toolbarStops = stops.flatMap((s, i) => (s.inToolbar ? [i] : []));
  const firstInTile = stops.findIndex((s) => s.inTile);
  expect(toolbarStops.length, `the toolbar is reached by Tab: ${order}`).toBeGreaterThan(0);
  expect(firstInTile, `the tiles' buttons are reached by Tab: ${order}`).toBeGreaterThanOrEqual(0);
  expect(firstInTile, `the tiles come after the toolbar: ${order}`).toBeGreaterThan(Math.max(...toolbarStops));
});

test('without screen sharing in the browser there is no Share screen button', async ({ person, browser }) => {
  const page = await person({ browser: on(browser, phone) });
  await page.addInitScript(() => {
    delete (MediaDevices.prototype as any).getDisplayMedia;
    delete (navigator.mediaDevices as any)?.getDisplayMedia;
  });
  await join(page, await startMeeting(page), 'Ada');
  await expect(panelToggle(page, 'Settings')).toBeVisible();
  await expect(toolbar(page).getByRole('button', { name: /^(Share screen|Stop sharing)$/ })).toHaveCount(0);
});

test('Escape closes each panel and gives focus back to its toolbar button', async ({ person }) => {
  // Alone in a meeting, and so its host: every panel is there.
  const { pages: [ada] } = await meeting(person, 'Ada');
  for (const panel of PANELS) {
    await openPanel(ada, panel);
    await expect(panelRegion(ada, panel).getByRole('heading', { name: panel, exact: true })).toBeVisible();
    // From inside the panel, as someone working in it would.
    await closeButton(ada, panel).focus();
    await ada.keyboard.press('Escape');
    await expect(panelRegion(ada, panel)).toBeHidden();
    await expect(panelToggle(ada, panel)).toHaveAttribute('aria-expanded', 'false');
    await expect(panelToggle(ada, panel)).toBeFocused();
  }
});

test('opening a panel closes the one that was open', async ({ person }) => {
  const { pages: [ada] } = await meeting(person, 'Ada');
  await openPanel(ada, 'Chat');
  await openPanel(ada, 'Settings');
  await expect(panelRegion(ada, 'Chat')).toBeHidden();
  await expect(panelToggle(ada, 'Chat')).toHaveAttribute('aria-expanded', 'false');
});

test('with keyboard shortcuts turned off in Settings, M no longer mutes the microphone', async ({ person }) => {
  const { pages: [ada] } = await meeting(person, 'Ada');
  const mute = toolbar(ada).getByRole('button', { name: /^(Mute|Unmute) microphone$/ });
  // On by default: M mutes and unmutes.
  await expect(mute).toHaveAccessibleName('Mute microphone');
  await ada.keyboard.press('m');
  await expect(mute).toHaveAccessibleName('Unmute microphone');
  await ada.keyboard.press('m');
  await expect(mute).toHaveAccessibleName('Mute microphone');

  const settings = panelRegion(ada, 'Settings');
  const shortcuts = settings.getByRole('checkbox', { name: 'Keyboard shortcuts' });
  await openPanel(ada, 'Settings');
  // The shortcuts are listed: M for the microphone, V for the camera.
  await expect(settings.getByText('M', { exact: true })).toBeVisible();
  await expect(settings.getByText('V', { exact: true })).toBeVisible();
  await expect(settings).toContainText(/microphone/i);
  await expect(settings).toContainText(/camera/i);
  await expect(shortcuts).toBeChecked();
  await shortcuts.uncheck();
  await ada.keyboard.press('Escape');
  await ada.keyboard.press('m');
  await expect(mute).toHaveAccessibleName('Mute microphone');

  // Turned back on, the next M mutes: had the M above muted, this one would have unmuted.
  await openPanel(ada, 'Settings');
  await shortcuts.check();
  await ada.keyboard.press('Escape');
  await ada.keyboard.press('m');
  await expect(mute).toHaveAccessibleName('Unmute microphone');
});

test('with the camera and microphone blocked, no control claims they are on and the others see an initial', async ({
  person,
  playwright,
}) => {
  const { link, pages: [ada] } = await meeting(person, 'Ada');
  // A browser that never grants the camera or microphone: no fake-UI flag, no permission.
  const strict = await playwright.chromium.launch({
    executablePath: process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium',
    args: chromiumArgs,
  });
  try {
    const dee = await person({ browser: on(strict, phone), camera: false });
    await join(dee, link, 'Dee');
    await expect(tile(dee, 'Ada')).toBeVisible();
    const controls = toolbar(dee);
    await expect(controls.getByRole('button', { name: 'Camera unavailable', exact: true })).toBeDisabled();
    await expect(controls.getByRole('button', { name: 'Microphone unavailable', exact: true })).toBeDisabled();
    await expect(
      dee.getByRole('button', { name: /^(Mute microphone|Unmute microphone|Turn camera off|Turn camera on)$/ }),
    ).toHaveCount(0);
    await expect(tile(dee, 'You').getByRole('img', { name: 'Camera off', exact: true })).toBeVisible();
    await expect(tile(ada, 'Dee').getByRole('img', { name: 'Camera off', exact: true })).toBeVisible();
    await fits(dee, 'camera and microphone blocked (phone)');
  } finally {
    await strict.close();
  }
});

test('alone in a meeting, Copy link copies the meeting link and says so', async ({ person, browser }) => {
  const page = await person({ browser: on(browser, phone) });
  const link = await startMeeting(page);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(link).origin });
  await join(page, link, 'Ada');
  const alone = page.getByRole('region', { name: /^You['’]re the only one here$/ });
  await expect(alone.getByRole('textbox', { name: 'Meeting link', exact: true })).toHaveValue(link);
  await alone.getByRole('button', { name: 'Copy link', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Link copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  // This is the phone: no QR code to scan with itself.
  await expect(alone.getByRole('img', { name: 'QR code of the meeting link' })).toHaveCount(0);
});

test('alone on a computer, the meeting link is also a QR code that reads back as the link', async ({ person }) => {
  const { link, pages: [ada] } = await meeting(person, 'Ada');
  const alone = ada.getByRole('region', { name: /^You['’]re the only one here$/ });
  const qr = alone.getByRole('img', { name: 'QR code of the meeting link' });
  await expect(qr).toBeVisible();
  // The picture as a camera would see it, read by a decoder of its own.
  const side = 300;
  const pixels = await qr.evaluate(async (img: HTMLImageElement, side) => {
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = side;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, side, side);
    context.drawImage(img, 0, 0, side, side);
    return Array.from(context.getImageData(0, 0, side, side).data);
  }, side);
  const code = jsQR(Uint8ClampedArray.from(pixels), side, side);
  expect(code?.data).toBe(link);
});

test('a link that could not be copied is not said to be copied', async ({ person }) => {
  const { pages: [ada] } = await meeting(person, 'Ada');
  // As when the browser refuses the page the clipboard.
  await ada.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  });
  await ada.getByRole('button', { name: 'Copy link', exact: true }).first().click();
  await expect(ada.getByRole('status').filter({ hasText: 'Could not copy the link' })).toBeVisible();
  await expect(ada.getByRole('status').filter({ hasText: 'Link copied' })).toHaveCount(0);
});

test('people coming and going are announced', async ({ person }) => {
  const { link, pages: [ada] } = await meeting(person, 'Ada');
  const bob = await person();
  await join(bob, link, 'Bob');
  await expect(ada.getByRole('status').filter({ hasText: 'Bob joined' })).toBeVisible();
  await leaveButton(bob).click();
  await expect(ada.getByRole('status').filter({ hasText: 'Bob left' })).toBeVisible();
});

test('the host is asked to confirm a removal, and Cancel keeps the person in the meeting', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  await expect(tile(ada, 'Bob')).toBeVisible();
  await askToRemove(ada, 'Bob');
  const confirmation = removeConfirmation(ada, 'Bob');
  await expect(confirmation.getByRole('button', { name: 'Remove', exact: true })).toBeVisible();
  await confirmation.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(confirmation).toBeHidden();

  // Locking goes through the server after anything sent before it: once the lock is back, a
  // removal sent on Cancel would already have taken Bob out.
  const controls = panelRegion(ada, 'People');
  await controls.getByRole('button', { name: 'Lock meeting', exact: true }).click();
  await expect(controls.getByRole('button', { name: 'Unlock meeting', exact: true })).toBeVisible();
  await expect(controls.getByRole('button', { name: 'Remove Bob', exact: true })).toBeVisible();
  await expect(tile(ada, 'Bob')).toBeVisible();
  await expect(leaveButton(bob)).toBeVisible();
  await expect(bob.getByRole('heading', { name: 'You were removed from the meeting' })).toHaveCount(0);
});
