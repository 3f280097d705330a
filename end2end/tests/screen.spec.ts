// Screen sharing: the others receive the screen instead of the camera, and the camera again after.
import { Page } from '@playwright/test';
import { expect, expectVideoPlaying, join, receivedFrameWidths, startMeeting, test, tile } from './support';

async function expectReceivedWidth(page: Page, width: number) {
  await expect.poll(async () => (await receivedFrameWidths(page))[0]).toBe(width);
}

async function cameraWidth(page: Page): Promise<number> {
  return page.evaluate(() => {
    const streams = (window as any).__confabLocalStreams as MediaStream[];
    const live = streams.flatMap((s) => s.getVideoTracks()).find((t) => t.readyState === 'live');
    return live?.getSettings().width ?? 0;
  });
}

async function screenWidth(page: Page): Promise<number> {
  return page.evaluate(() => {
    const screens = (window as any).__confabScreenStreams as MediaStream[];
    return screens[screens.length - 1].getVideoTracks()[0].getSettings().width ?? 0;
  });
}

test('sharing the screen replaces the camera for the others, and stopping brings the camera back', async ({
  person,
}) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await join(bob, link, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  const camera = await cameraWidth(ada);
  await expectReceivedWidth(bob, camera);

  await ada.getByRole('button', { name: 'Share screen' }).click();
  await expect(ada.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  const screen = await screenWidth(ada);
  expect(screen).not.toBe(camera);
  await expectReceivedWidth(bob, screen);
  await expect(tile(bob, 'Ada')).toContainText('screen');
  await expectVideoPlaying(bob, 'Ada');

  await ada.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(ada.getByRole('button', { name: 'Share screen' })).toBeVisible();
  await expectReceivedWidth(bob, camera);
  await expect(tile(bob, 'Ada')).not.toContainText('screen');
  // The capture itself was stopped.
  expect(
    await ada.evaluate(() =>
      ((window as any).__confabScreenStreams as MediaStream[]).flatMap((s) => s.getTracks()).every((t) => t.readyState === 'ended'),
    ),
  ).toBe(true);
});

test('when the browser ends the screen capture by itself, the camera comes back', async ({ person }) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await join(bob, link, 'Bob');
  const camera = await cameraWidth(ada);
  await ada.getByRole('button', { name: 'Share screen' }).click();
  await expect(ada.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  await expectReceivedWidth(bob, await screenWidth(ada));

  // What the browser does when its own "Stop sharing" bar is used: the track ends.
  await ada.evaluate(() => {
    const screens = (window as any).__confabScreenStreams as MediaStream[];
    const track = screens[screens.length - 1].getVideoTracks()[0];
    track.stop();
    track.dispatchEvent(new Event('ended'));
  });
  await expect(ada.getByRole('button', { name: 'Share screen' })).toBeVisible();
  await expectReceivedWidth(bob, camera);
});

test('stopping a share that began with the camera off returns to camera off', async ({ person }) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await join(bob, link, 'Bob');
  await ada.getByRole('button', { name: 'Turn camera off' }).click();
  const placeholder = tile(bob, 'Ada').getByRole('img', { name: 'Camera off' });
  await expect(placeholder).toBeVisible();

  await ada.getByRole('button', { name: 'Share screen' }).click();
  await expect(placeholder).toHaveCount(0);
  await expect(ada.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  await expectReceivedWidth(bob, await screenWidth(ada));
  await expectVideoPlaying(bob, 'Ada');

  await ada.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(placeholder).toBeVisible();
});
