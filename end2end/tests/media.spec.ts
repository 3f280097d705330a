// Microphone and camera controls, as the other participants hear and see them.
import { Page } from '@playwright/test';
import {
  clickJoin,
  expect,
  expectVideoPlaying,
  join,
  localTracks,
  meeting,
  openLobby,
  receivedAudioEnergy,
  startMeeting,
  test,
  tile,
} from './support';
import { closePanel, openPanel, panelRegion } from './call_states';

async function expectHearing(listener: Page) {
  await expect.poll(() => receivedAudioEnergy(listener), { timeout: 20_000 }).toBeGreaterThan(1e-4);
}

async function expectSilence(listener: Page) {
  await expect.poll(() => receivedAudioEnergy(listener), { timeout: 20_000 }).toBeLessThan(1e-6);
}

test('muting silences the microphone for the others and shows them it is muted', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  await expectHearing(bob);
  const mutedMark = tile(bob, 'Ada').getByRole('img', { name: 'Microphone off' });
  await expect(mutedMark).toHaveCount(0);

  await ada.getByRole('button', { name: 'Mute microphone' }).click();
  await expect(mutedMark).toBeVisible();
  await expectSilence(bob);
  await expect(tile(ada, 'You').getByRole('img', { name: 'Microphone off' })).toBeVisible();

  await ada.getByRole('button', { name: 'Unmute microphone' }).click();
  await expect(mutedMark).toHaveCount(0);
  await expectHearing(bob);
});

test('the M key mutes and unmutes, but not while typing in a text field', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  const mute = ada.getByRole('button', { name: 'Mute microphone' });
  await expect(mute).toHaveAttribute('aria-keyshortcuts', 'M');
  const mutedMark = tile(bob, 'Ada').getByRole('img', { name: 'Microphone off' });

  await ada.getByRole('button', { name: 'Chat' }).click();
  const message = ada.getByRole('textbox', { name: 'Message' });
  await message.press('m');
  await expect(mute).toBeVisible();
  await expect(message).toHaveValue('m');
  await message.blur();

  await ada.keyboard.press('m');
  await expect(mutedMark).toBeVisible();
  await expectSilence(bob);
  await ada.keyboard.press('m');
  await expect(mutedMark).toHaveCount(0);
  await expectHearing(bob);
});

test('turning the camera off stops it and shows the others a placeholder; on again plays again', async ({
  person,
}) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  const placeholder = tile(bob, 'Ada').getByRole('img', { name: 'Camera off' });
  await expect(placeholder).toHaveCount(0);

  await ada.getByRole('button', { name: 'Turn camera off' }).click();
  await expect(placeholder).toBeVisible();
  // The camera is released, not just blacked out: every video track opened is stopped.
  expect((await localTracks(ada)).filter((t) => t.kind === 'video' && t.readyState === 'live')).toEqual([]);

  await ada.getByRole('button', { name: 'Turn camera on' }).click();
  await expect(placeholder).toHaveCount(0);
  await expectVideoPlaying(bob, 'Ada');
  expect((await localTracks(ada)).filter((t) => t.kind === 'video' && t.readyState === 'live')).toHaveLength(1);
});

test('the V key turns the camera off and on', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  await expect(ada.getByRole('button', { name: 'Turn camera off' })).toHaveAttribute('aria-keyshortcuts', 'V');
  const placeholder = tile(bob, 'Ada').getByRole('img', { name: 'Camera off' });
  await ada.keyboard.press('v');
  await expect(placeholder).toBeVisible();
  await ada.keyboard.press('v');
  await expect(placeholder).toHaveCount(0);
  await expectVideoPlaying(bob, 'Ada');
});

test('someone who joins later sees an already-muted participant as muted, camera off', async ({ person }) => {
  const ada = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await ada.getByRole('button', { name: 'Mute microphone' }).click();
  await ada.getByRole('button', { name: 'Turn camera off' }).click();

  const bob = await person();
  await join(bob, link, 'Bob');
  await expect(tile(bob, 'Ada').getByRole('img', { name: 'Microphone off' })).toBeVisible();
  await expect(tile(bob, 'Ada').getByRole('img', { name: 'Camera off' })).toBeVisible();
  await expectSilence(bob);
});

test('joining with the microphone and camera already off from the lobby', async ({ person }) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await openLobby(bob, link, 'Bob');
  await bob.getByRole('button', { name: 'Mute microphone' }).click();
  await bob.getByRole('button', { name: 'Turn camera off' }).click();
  await expect(bob.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
  await clickJoin(bob);
  await expect(tile(ada, 'Bob').getByRole('img', { name: 'Microphone off' })).toBeVisible();
  await expect(tile(ada, 'Bob').getByRole('img', { name: 'Camera off' })).toBeVisible();
  await expectSilence(ada);
  // Turning the camera on mid-call sends video to Ada without renegotiating.
  await bob.getByRole('button', { name: 'Turn camera on' }).click();
  await expectVideoPlaying(ada, 'Bob');
});

test('your own camera is mirrored to you only, can be unmirrored in Settings (remembered), and a shared screen never is', async ({
  person,
}) => {
  const { link, pages } = await meeting(person, 'Ada', 'Bob');
  const [ada, bob] = pages;
  const mirrored = 'matrix(-1, 0, 0, 1, 0, 0)';
  const own = (page: Page) => tile(page, 'You').locator('video');
  await expect(tile(bob, 'Ada')).toBeVisible();
  await expect(own(ada)).toHaveCSS('transform', mirrored);
  await expect(tile(bob, 'Ada').locator('video')).toHaveCSS('transform', 'none');

  await openPanel(ada, 'Settings');
  await panelRegion(ada, 'Settings').getByRole('checkbox', { name: 'Mirror my video' }).uncheck();
  await expect(own(ada)).toHaveCSS('transform', 'none');
  await closePanel(ada, 'Settings');
  await ada.reload();
  await expect(tile(ada, 'You (preview)').locator('video')).toHaveCSS('transform', 'none');
  await join(ada, link, 'Ada');
  await expect(own(ada)).toHaveCSS('transform', 'none');

  await bob.getByRole('button', { name: 'Share screen', exact: true }).click();
  await expect(bob.getByRole('button', { name: 'Stop sharing', exact: true })).toBeVisible();
  await expect(own(bob)).toHaveCSS('transform', 'none');
  await bob.getByRole('button', { name: 'Stop sharing', exact: true }).click();
  await expect(own(bob)).toHaveCSS('transform', mirrored);
});
