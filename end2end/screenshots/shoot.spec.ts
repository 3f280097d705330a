// Pictures of every screen of the app on a desktop (1366x768) and a phone (390x844), written to
// docs/screenshots/ as <state>-<desktop|phone>.png: call-4-people-desktop.png, chat-open-phone.png,
// lobby-desktop.png, … Run by `bash scripts/screenshots.sh`; it asserts only what it needs to
// reach each state (the checks are in tests/callscreen.spec.ts and tests/a11y.spec.ts).
import * as path from 'node:path';
import { Page } from '@playwright/test';
import { expect, join, openLobby, startMeeting, test } from '../tests/support';
import { fillRoom, lockMeeting, remove, tourCallScreen } from '../tests/call_states';
import { desktop, leaveButton, lightCamera, on, phone, settle, videosShowing } from '../tests/screen_fit';

// Six browsers send video to one another in the call: a lighter camera keeps that affordable.
test.use({ launchOptions: lightCamera });

/** Where the pictures go. */
const folder = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');

/** Saves what the page shows, once its videos show pictures and it has stopped moving, as `<name>.png`. */
async function shoot(page: Page, name: string): Promise<void> {
  await videosShowing(page);
  await settle(page);
  await page.screenshot({ path: path.join(folder, `${name}.png`), animations: 'disabled' });
}

test('the call screen in each of its states', async ({ person, browser }) => {
  await tourCallScreen(person, browser, ({ page, screen, state }) => shoot(page, `${state}-${screen.name}`), {
    observersSuppressNoise: true,
  });
});

for (const screen of [desktop, phone]) {
  test(`the screens around the call on a ${screen.name}`, async ({ person, browser }) => {
    const page = await person({ browser: on(browser, screen) });
    const host = await person();
    const shot = (name: string) => shoot(page, `${name}-${screen.name}`);

    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Start a meeting' })).toBeVisible();
    await shot('home');

    await page.goto('/room/not-a-room');
    await expect(page.getByRole('heading', { name: 'This meeting link is not valid' })).toBeVisible();
    await shot('invalid-link');

    const link = await startMeeting(host);
    await join(host, link, 'Host');
    await openLobby(page, link, 'Ada');
    await shot('lobby');

    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await leaveButton(page).click();
    await expect(page.getByRole('heading', { name: 'You left the meeting' })).toBeVisible();
    await shot('left');

    await lockMeeting(host);
    await openLobby(page, link, 'Ada');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'This meeting is locked' })).toBeVisible();
    await shot('locked');

    await lockMeeting(host, false);
    await join(page, link, 'Ada');
    await remove(host, 'Ada', page);
    await shot('removed');

    const full = await startMeeting(host);
    await fillRoom(host, full);
    await openLobby(page, full, 'Ada');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'This meeting is full' })).toBeVisible();
    await shot('full');
  });
}
