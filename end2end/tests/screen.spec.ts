// Screen sharing: the others receive the screen instead of the camera, and the camera again after.
import { Page } from '@playwright/test';
import {
  expect,
  expectVideoPlaying,
  meeting,
  receivedFrameSizes,
  test,
  tile,
} from './support';

type Size = { width: number; height: number };

/**
 * Waits until the page receives video of this source's shape: the same aspect ratio and no
 * larger (the sender may scale a camera down under load, which is not what is being tested).
 */
async function expectReceiving(page: Page, source: Size) {
  await expect
    .poll(async () => {
      const { width, height } = (await receivedFrameSizes(page))[0] ?? { width: 0, height: 0 };
      const sameShape = height > 0 && Math.abs(width / height - source.width / source.height) < 0.02;
      return sameShape && width <= source.width && width >= source.width / 4;
    })
    .toBe(true);
}

async function cameraSize(page: Page): Promise<Size> {
  return page.evaluate(() => {
    const streams = (window as any).__confabLocalStreams as MediaStream[];
    const live = streams.flatMap((s) => s.getVideoTracks()).find((t) => t.readyState === 'live')!;
    const { width, height } = live.getSettings();
    return { width: width ?? 0, height: height ?? 0 };
  });
}

async function screenSize(page: Page): Promise<Size> {
  return page.evaluate(() => {
    const screens = (window as any).__confabScreenStreams as MediaStream[];
    const { width, height } = screens[screens.length - 1].getVideoTracks()[0].getSettings();
    return { width: width ?? 0, height: height ?? 0 };
  });
}

test('sharing the screen replaces the camera for the others, and stopping brings the camera back', async ({
  person,
}) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  const camera = await cameraSize(ada);
  await expectReceiving(bob, camera);

  await ada.getByRole('button', { name: 'Share screen' }).click();
  await expect(ada.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  const screen = await screenSize(ada);
  // The screen is captured at most at 15 frames per second and 1920x1080, marked as detail
  // (an encoder under load keeps text sharp and drops frames instead).
  const capture = await ada.evaluate(() => {
    const screens = (window as any).__confabScreenStreams as MediaStream[];
    const track = screens[screens.length - 1].getVideoTracks()[0];
    const { frameRate, width, height } = track.getSettings();
    return { frameRate: frameRate ?? 0, width: width ?? 0, height: height ?? 0, hint: track.contentHint };
  });
  expect(capture.frameRate).toBeGreaterThan(0);
  expect(capture.frameRate).toBeLessThanOrEqual(15);
  expect(capture.width).toBeLessThanOrEqual(1920);
  expect(capture.height).toBeLessThanOrEqual(1080);
  expect(capture.hint).toBe('detail');
  // The two sources must be told apart by shape for this test to mean anything.
  expect(screen.width / screen.height).not.toBeCloseTo(camera.width / camera.height, 1);
  await expectReceiving(bob, screen);
  await expect(tile(bob, 'Ada')).toContainText('(screen share)');
  await expectVideoPlaying(bob, 'Ada');

  await ada.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(ada.getByRole('button', { name: 'Share screen' })).toBeVisible();
  await expectReceiving(bob, camera);
  await expect(tile(bob, 'Ada')).not.toContainText('(screen share)');
  // The capture itself was stopped.
  expect(
    await ada.evaluate(() =>
      ((window as any).__confabScreenStreams as MediaStream[]).flatMap((s) => s.getTracks()).every((t) => t.readyState === 'ended'),
    ),
  ).toBe(true);
});

test('when the browser ends the screen capture by itself, the camera comes back', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  const camera = await cameraSize(ada);
  await ada.getByRole('button', { name: 'Share screen' }).click();
  await expect(ada.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  await expectReceiving(bob, await screenSize(ada));

  // What the browser does when its own "Stop sharing" bar is used: the track ends.
  await ada.evaluate(() => {
    const screens = (window as any).__confabScreenStreams as MediaStream[];
    const track = screens[screens.length - 1].getVideoTracks()[0];
    track.stop();
    track.dispatchEvent(new Event('ended'));
  });
  await expect(ada.getByRole('button', { name: 'Share screen' })).toBeVisible();
  await expectReceiving(bob, camera);
});

test('stopping a share that began with the camera off returns to camera off', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  await ada.getByRole('button', { name: 'Turn camera off' }).click();
  const placeholder = tile(bob, 'Ada').getByRole('img', { name: 'Camera off' });
  await expect(placeholder).toBeVisible();

  await ada.getByRole('button', { name: 'Share screen' }).click();
  await expect(placeholder).toHaveCount(0);
  await expect(ada.getByRole('button', { name: 'Stop sharing' })).toBeVisible();
  await expectReceiving(bob, await screenSize(ada));
  await expectVideoPlaying(bob, 'Ada');

  await ada.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(placeholder).toBeVisible();
});
