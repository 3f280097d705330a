// Room privacy as people meet it: the host sets a password, locks the meeting and removes
// someone; everyone else sees what the host did.
import type { Page } from '@playwright/test';
import { expect, meeting, openLobby, setMeetingPassword, test, tile } from './support';

test('a meeting with a password lets in only those who type it', async ({ person }) => {
  const { link, pages } = await meeting(person, 'Host');
  const [host] = pages;
  await setMeetingPassword(host, 'tea at five');

  const guest = await person();
  await openLobby(guest, link, 'Guest');
  await guest.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(guest.getByRole('alert')).toHaveText('This meeting needs a password.');
  const password = guest.getByLabel('Meeting password');
  await password.fill('tea at six');
  await guest.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(guest.getByRole('alert')).toHaveText('That password is not right.');
  await password.fill('tea at five');
  await guest.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(guest.getByRole('button', { name: 'Leave' })).toBeVisible();
  await expect(tile(host, 'Guest')).toBeVisible();
  await expect(guest.getByRole('status').filter({ hasText: 'protected by a password' })).toBeVisible();
  // Only the host has host controls: the guest's People panel lists people and nothing more.
  await guest.getByRole('button', { name: 'People', exact: true }).click();
  await expect(guest.getByRole('list', { name: 'Participants' }).getByRole('listitem')).toHaveCount(2);
  await expect(guest.getByRole('button', { name: 'Lock meeting' })).toHaveCount(0);
  await expect(guest.getByRole('button', { name: 'Remove Host' })).toHaveCount(0);
});

test('the host removes someone from a locked meeting, and they cannot come back', async ({ person }) => {
  const { link, pages } = await meeting(person, 'Host', 'Guest');
  const [host, guest] = pages;
  await expect(tile(host, 'Guest')).toBeVisible();
  await host.getByRole('button', { name: 'People', exact: true }).click();
  await host.getByRole('button', { name: 'Lock meeting' }).click();
  await expect(host.getByRole('button', { name: 'Unlock meeting' })).toHaveAttribute('aria-pressed', 'true');
  await expect(guest.getByRole('status').filter({ hasText: 'Meeting locked' })).toBeVisible();

  // Removing asks first; Cancel keeps the person.
  await host.getByRole('button', { name: 'Remove Guest' }).click();
  const confirm = host.getByRole('alertdialog', { name: 'Remove Guest?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(tile(host, 'Guest')).toBeVisible();
  await host.getByRole('button', { name: 'Remove Guest' }).click();
  await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(guest.getByRole('heading', { name: 'You were removed from the meeting' })).toBeVisible();
  await expect(guest.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expect(tile(host, 'Guest')).toHaveCount(0);

  // The link again: the meeting is locked, and it says so.
  await joinRefused(guest, link);
  const latecomer = await person();
  await joinRefused(latecomer, link);

  await host.getByRole('button', { name: 'Unlock meeting' }).click();
  await latecomer.getByRole('button', { name: 'Try again' }).click();
  await latecomer.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(latecomer.getByRole('button', { name: 'Leave' })).toBeVisible();
  await expect(tile(host, 'Late')).toBeVisible();
});

/** Opens the link, asks to join, and is shown that the meeting is locked. */
async function joinRefused(page: Page, link: string): Promise<void> {
  await openLobby(page, link, 'Late');
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'This meeting is locked' })).toBeVisible();
}
