// Accessibility of every screen around the call, checked with axe-core (WCAG 2.0 and 2.1, A and
// AA): no serious or critical violation, and each problem screen offers a next step. The call
// screen's own states are checked the same way, on a desktop and a phone, by the tour in
// callscreen.spec.ts.
import { Page } from '@playwright/test';
import { expect, join, meeting, openLobby, startMeeting, test, tile } from './support';
import { lockMeeting, remove, turnedAwayFromFullMeeting } from './call_states';
import { checkAxe, desktop, expectNoOverlaps, leaveButton, on, phone } from './screen_fit';

/** A problem screen offers a next step: trying again, or starting a new meeting. */
async function expectNextStep(page: Page): Promise<void> {
  const tryAgain = page.getByRole('button', { name: 'Try again', exact: true });
  const startNew = page.getByRole('link', { name: 'Start a new meeting', exact: true });
  await expect(tryAgain.or(startNew).first()).toBeVisible();
}

test('the start page has no serious accessibility problems', async ({ person }) => {
  const page = await person();
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Start a meeting' })).toBeVisible();
  await checkAxe(page, 'start page');
});

for (const screen of [desktop, phone]) {
  test(`the lobby on a ${screen.name} names the meeting link field, with no serious accessibility problems`, async ({
    person,
    browser,
  }) => {
    const page = await person({ browser: on(browser, screen) });
    const link = await startMeeting(page);
    await openLobby(page, link, 'Ada');
    await expect(page.getByRole('link', { name: 'Confab', exact: true })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Meeting link', exact: true })).toHaveValue(link);
    await expect(page.getByRole('button', { name: 'Copy link', exact: true })).toBeVisible();
    await expectNoOverlaps(page);
    await checkAxe(page, `lobby (${screen.name})`);
  });
}

test('after Leave, Rejoin and the start page are offered, with no serious accessibility problems', async ({ person }) => {
  const page = await person();
  await join(page, await startMeeting(page), 'Ada');
  await leaveButton(page).click();
  await expect(page.getByRole('heading', { name: 'You left the meeting' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Rejoin', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Start page', exact: true })).toBeVisible();
  await checkAxe(page, 'left screen');
});

test('the room-full screen offers a next step, with no serious accessibility problems', async ({ person }) => {
  const late = await turnedAwayFromFullMeeting(person);
  await expectNextStep(late);
  await checkAxe(late, 'room-full screen');
});

test('the screen of someone the host removed offers a next step, with no serious accessibility problems', async ({
  person,
}) => {
  const { pages: [host, guest] } = await meeting(person, 'Host', 'Guest');
  await expect(tile(host, 'Guest')).toBeVisible();
  await remove(host, 'Guest', guest);
  await expectNextStep(guest);
  await checkAxe(guest, 'removed screen');
});

test('the locked-meeting screen offers a next step, with no serious accessibility problems', async ({ person }) => {
  const host = await person();
  const link = await startMeeting(host);
  await join(host, link, 'Host');
  await lockMeeting(host);

  const late = await person();
  await openLobby(late, link, 'Late');
  await late.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(late.getByRole('heading', { name: 'This meeting is locked' })).toBeVisible();
  await expectNextStep(late);
  await checkAxe(late, 'locked screen');
});

test('the invalid-link screen offers a next step, with no serious accessibility problems', async ({ person }) => {
  const page = await person();
  await page.goto('/room/not-a-room');
  await expect(page.getByRole('heading', { name: 'This meeting link is not valid' })).toBeVisible();
  await expectNextStep(page);
  await checkAxe(page, 'invalid-link screen');
});
