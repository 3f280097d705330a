// Noise suppression, judged at the other end of a call: a browser whose microphone hears only a
// fan (Chromium's fake capture from a generated file) is heard at least 15 dB quieter by the
// others with suppression on than off; one that speaks over the fan keeps its speech. The
// energy is WebRTC's own (`totalAudioEnergy` of what the listener decoded).
import { chromium, type Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumArgs } from '../chromium.mjs';
import {
  expect,
  expectVideoPlaying,
  join,
  receivedAudioEnergy,
  startMeeting,
  test,
  type PersonOptions,
} from './support';
import type { Page } from '@playwright/test';

let sounds = '';

test.beforeAll(() => {
  sounds = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-sounds-'));
  execFileSync('bash', [path.join(__dirname, '..', 'fixtures', 'denoise', 'make.sh'), sounds, '10']);
});

test.afterAll(() => fs.rmSync(sounds, { recursive: true, force: true }));

/** A browser whose microphone plays this sound file, over and over. */
function browserHearing(file: string): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      ...chromiumArgs.map((flag: string) => (flag === '--use-fake-device-for-media-stream' ? `${flag}=fps=5` : flag)),
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${path.join(sounds, file)}`,
    ],
  });
}

/** Ada (hearing `file`) and Bob in a call, Bob receiving Ada's video and sound. */
async function callFrom(
  person: (options?: PersonOptions) => Promise<Page>,
  browser: Browser,
): Promise<{ ada: Page; bob: Page }> {
  const ada = await person({ browser });
  const bob = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await join(bob, link, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  return { ada, bob };
}

/** Ada turns noise suppression off in Settings; the others hear the change in a moment. */
async function turnSuppressionOff(ada: Page): Promise<void> {
  await ada.getByRole('button', { name: 'Settings' }).click();
  const toggle = ada.getByRole('checkbox', { name: 'Noise suppression' });
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await ada.getByRole('button', { name: 'Close settings' }).click();
  // replaceTrack, then the jitter buffer's worth of old audio.
  await ada.waitForTimeout(1500);
}

const db = (ratio: number) => 10 * Math.log10(ratio);

/**
 * Ada's microphone plays `file`; Bob hears her for `ms` with noise suppression on (the default),
 * then for `ms` after she turns it off. Returns the audio energy Bob received each time.
 */
async function heardOnThenOff(
  person: (options?: PersonOptions) => Promise<Page>,
  file: string,
  ms: number,
): Promise<{ on: number; off: number }> {
  const browser = await browserHearing(file);
  try {
    const { ada, bob } = await callFrom(person, browser);
    await bob.waitForTimeout(1500);
    const on = await receivedAudioEnergy(bob, ms);
    await turnSuppressionOff(ada);
    const off = await receivedAudioEnergy(bob, ms);
    return { on, off };
  } finally {
    await browser.close();
  }
}

test('a fan heard through noise suppression is at least 15 dB quieter at the other end', async ({ person }) => {
  const { on, off } = await heardOnThenOff(person, 'noise.wav', 4000);
  console.log(`fan: ${db(off / Math.max(on, 1e-12)).toFixed(1)} dB quieter with noise suppression`);
  expect(off, 'the fan is heard without suppression').toBeGreaterThan(1e-5);
  expect(db(off / Math.max(on, 1e-12)), `fan: ${on} with, ${off} without`).toBeGreaterThanOrEqual(15);
});

test('speech over a fan passes noise suppression: at most 3 dB lost', async ({ person }) => {
  test.setTimeout(120_000);
  // A whole turn of the 10-second recording each time, so both hear the same words.
  const { on, off } = await heardOnThenOff(person, 'speech-noise.wav', 10_000);
  console.log(`speech over a fan: ${db(off / on).toFixed(1)} dB lost to noise suppression`);
  expect(on, 'speech is heard with suppression on').toBeGreaterThan(1e-4);
  expect(db(off / on), `speech: ${on} with, ${off} without`).toBeLessThanOrEqual(3);
});
