// Speaking and connection-quality indicators, the statistics panel, and the lobby's level meter.
import {
  expect,
  meeting,
  openLobby,
  speakingStates,
  startMeeting,
  test,
  tile,
} from './support';

test('the tile of whoever speaks lights up, your own included, and muting puts it out', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  // The fake microphone beeps once a second: the indicator comes and goes with it.
  await expect.poll(() => speakingStates(bob, 'Ada'), { timeout: 30_000 }).toEqual(new Set(['true', 'false']));
  await expect.poll(() => speakingStates(ada, 'You'), { timeout: 30_000 }).toEqual(new Set(['true', 'false']));

  await ada.getByRole('button', { name: 'Mute microphone' }).click();
  await expect.poll(() => speakingStates(bob, 'Ada')).toEqual(new Set(['false']));
  expect(await speakingStates(ada, 'You')).toEqual(new Set(['false']));
});

test('connection quality shows good, and drops when the video is starved of bandwidth', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  await expect(tile(bob, 'Ada').getByRole('img', { name: 'Connection good' })).toBeVisible();

  // Cap Ada's outgoing video at 20 kbit/s, as a congested uplink would.
  await ada.evaluate(async () => {
    for (const pc of (window as any).__confabPeerConnections as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      const sender = pc.getSenders().find((s) => s.track?.kind === 'video')!;
      const parameters = sender.getParameters();
      parameters.encodings[0].maxBitrate = 20_000;
      await sender.setParameters(parameters);
    }
  });
  await expect(tile(bob, 'Ada').getByRole('img', { name: 'Connection poor' })).toBeVisible();
});

test('the statistics panel graphs the connection over time', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  const options = tile(bob, 'Ada').getByRole('button', { name: 'Options for Ada' });
  const toggle = tile(bob, 'Ada').getByRole('button', { name: 'Connection statistics' });
  await options.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await options.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  const panel = bob.getByRole('region', { name: 'Connection statistics for Ada' });
  for (const graph of ['Bitrate in', 'Bitrate out', 'Round-trip time', 'Packet loss', 'Frame rate', 'Resolution']) {
    await expect(panel.getByRole('img', { name: new RegExp(`^${graph}: `) })).toBeVisible();
  }
  await expect(panel.getByRole('img', { name: /^Bitrate in: [1-9]\d* kbit\/s$/ })).toBeVisible();
  await expect(panel.getByRole('img', { name: /^Resolution: [1-9]\d* lines$/ })).toBeVisible();
  const points = () =>
    panel
      .getByRole('img', { name: /^Bitrate in/ })
      .locator('polyline')
      .evaluate((line) => (line.getAttribute('points') ?? '').split(' ').filter(Boolean).length);
  const before = await points();
  await expect.poll(points).toBeGreaterThan(before);
  // The name stays readable beside the statistics.
  const caption = tile(bob, 'Ada').locator('figcaption');
  const [name, stats] = [(await caption.boundingBox())!, (await panel.boundingBox())!];
  expect(name.y >= stats.y + stats.height || name.x + name.width <= stats.x, 'statistics clear of the name').toBe(true);
  await toggle.click();
  await expect(panel).toHaveCount(0);
});

test('the lobby shows the microphone level moving', async ({ person }) => {
  const ada = await person();
  const link = await startMeeting(ada);
  await openLobby(ada, link, 'Ada');
  const meter = ada.getByRole('meter', { name: 'Microphone level' });
  await expect(meter).toBeVisible();
  // The fake microphone beeps: watch the meter for two seconds and keep the loudest reading.
  const loudest = async () => {
    let max = 0;
    for (let i = 0; i < 20; i++) {
      max = Math.max(max, Number(await meter.getAttribute('value')));
      await ada.waitForTimeout(100);
    }
    return max;
  };
  await expect.poll(loudest).toBeGreaterThan(0.02);
  // Muting in the lobby: the meter falls silent.
  await ada.getByRole('button', { name: 'Mute microphone' }).click();
  await expect.poll(loudest).toBeLessThan(0.001);
});
