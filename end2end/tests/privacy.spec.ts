// Room privacy as people meet it: the host sets a password, locks the meeting and removes
// someone; everyone else sees what the host did.
import { expect, join, meeting, openLobby, setMeetingPassword, test, tile } from './support';

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
  // Only the host has host controls.
  await expect(guest.getByText('Host controls')).toHaveCount(0);
});

test('the host removes someone from a locked meeting, and they cannot come back', async ({ person }) => {
  const { link, pages } = await meeting(person, 'Host', 'Guest');
  const [host, guest] = pages;
  await expect(tile(host, 'Guest')).toBeVisible();
  await host.getByText('Host controls').click();
  await host.getByRole('button', { name: 'Lock meeting' }).click();
  await expect(host.getByRole('button', { name: 'Unlock meeting' })).toHaveAttribute('aria-pressed', 'true');
  await expect(guest.getByRole('status').filter({ hasText: 'Meeting locked' })).toBeVisible();

  await host.getByRole('button', { name: 'Remove Guest' }).click();
  await expect(guest.getByRole('alert')).toHaveText('The host removed you from the meeting.');
  await expect(guest.getByRole('button', { name: 'Rejoin' })).toBeVisible();
  await expect(tile(host, 'Guest')).toHaveCount(0);

  await guest.getByRole('button', { name: 'Rejoin' }).click();
  await guest.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(guest.getByRole('alert')).toHaveText('The host has locked this meeting: nobody new can join.');

  const latecomer = await person();
  await openLobby(latecomer, link, 'Late');
  await latecomer.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(latecomer.getByRole('alert')).toHaveText('The host has locked this meeting: nobody new can join.');

  await host.getByRole('button', { name: 'Unlock meeting' }).click();
  await join(latecomer, link, 'Late');
  await expect(tile(host, 'Late')).toBeVisible();
});
