// Choosing cameras, microphones and speakers, in the lobby and mid-call.
import { Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';
import {
  expect,
  expectFramesRising,
  expectVideoPlaying,
  localTracks,
  meeting,
  openLobby,
  receivedAudioEnergy,
  startMeeting,
  test,
} from './support';

/** The id of the track this page sends of a kind, and its SDP session version (bumped by any renegotiation). */
async function sender(page: Page, kind: 'audio' | 'video'): Promise<{ trackId: string | null; sessionVersion: string }> {
  return page.evaluate((kind) => {
    const pc = ((window as any).__confabPeerConnections as RTCPeerConnection[]).find(
      (p) => p.connectionState !== 'closed',
    )!;
    // The first sender of the kind carries the microphone or camera (the second audio one is screen sound).
    const transceiver = pc.getTransceivers().find((t) => t.receiver.track.kind === kind)!;
    const origin = pc.localDescription!.sdp.split('\r\n').find((l) => l.startsWith('o='))!;
    return { trackId: transceiver.sender.track?.id ?? null, sessionVersion: origin.split(' ')[2] };
  }, kind);
}

/** Picks, in a device picker, the first option that is not the current one; returns its value. */
async function pickAnother(page: Page, picker: string): Promise<string> {
  const select = page.getByRole('combobox', { name: picker });
  const current = await select.inputValue();
  const values = await select.getByRole('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  const other = values.find((v) => v !== current)!;
  await select.selectOption(other);
  return other;
}

test('switching microphone mid-call keeps the call playing, changes the sent track and does not renegotiate', async ({
  person,
}) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  const before = await sender(ada, 'audio');
  expect(before.trackId).not.toBeNull();

  await ada.getByRole('button', { name: 'Devices' }).click();
  const chosen = await pickAnother(ada, 'Microphone');

  await expect.poll(async () => (await sender(ada, 'audio')).trackId).not.toBe(before.trackId);
  expect((await sender(ada, 'audio')).sessionVersion).toBe(before.sessionVersion);
  await expect.poll(() => receivedAudioEnergy(bob)).toBeGreaterThan(1e-4);
  await expectFramesRising(bob, 1);
  // The old microphone was released.
  expect((await localTracks(ada)).filter((t) => t.kind === 'audio' && t.readyState === 'live')).toHaveLength(1);

  // The choice is remembered for next time.
  await ada.reload();
  await expect(ada.getByRole('combobox', { name: 'Microphone' })).toHaveValue(chosen);
});

test('with three cameras, the lobby lists them and switching changes the camera in use', async ({
  person,
  playwright,
}) => {
  const threeCameras = await playwright.chromium.launch({
    executablePath: process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium',
    args: [...chromiumArgs, '--use-fake-device-for-media-stream=device-count=3', '--use-fake-ui-for-media-stream'],
  });
  try {
    const ada = await person({ browser: threeCameras });
    const link = await startMeeting(ada);
    await openLobby(ada, link, 'Ada');
    const camera = ada.getByRole('combobox', { name: 'Camera' });
    await expect(camera.getByRole('option')).toHaveCount(3);
    const liveCamera = async () =>
      ada.evaluate(() =>
        ((window as any).__confabLocalStreams as MediaStream[])
          .flatMap((s) => s.getVideoTracks())
          .filter((t) => t.readyState === 'live')
          .map((t) => t.getSettings().deviceId),
      );
    const chosen = await pickAnother(ada, 'Camera');
    await expect.poll(liveCamera).toEqual([chosen]);
    await ada.reload();
    await expect(ada.getByRole('combobox', { name: 'Camera' })).toHaveValue(chosen);
    await expect.poll(liveCamera).toEqual([chosen]);
  } finally {
    await threeCameras.close();
  }
});

test('the lobby offers microphone and speaker choices too', async ({ person }) => {
  const ada = await person();
  const link = await startMeeting(ada);
  await openLobby(ada, link, 'Ada');
  await expect(ada.getByRole('combobox', { name: 'Microphone' }).getByRole('option')).not.toHaveCount(0);
  await expect(ada.getByRole('combobox', { name: 'Speaker' }).getByRole('option')).not.toHaveCount(0);
});
