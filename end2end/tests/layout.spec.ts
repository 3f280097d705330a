// Showing one participant bigger: pin, fullscreen, picture-in-picture.
import {
  expect,
  expectVideoPlaying,
  meeting,
  test,
  tile,
} from './support';

test('pinning a tile shows it larger than the others, and unpinning restores the grid', async ({ person }) => {
  const { pages: [ada, bob, cy] } = await meeting(person, 'Ada', 'Bob', 'Cy');
  const width = async (name: string) => (await tile(ada, name).boundingBox())!.width;
  await expect.poll(async () => Math.abs((await width('Bob')) - (await width('Cy')))).toBeLessThan(2);

  const options = tile(ada, 'Bob').getByRole('button', { name: 'Options for Bob' });
  const pin = tile(ada, 'Bob').getByRole('button', { name: 'Pin' });
  // Pin is one of the tile's options: pressing it closes them.
  await options.click();
  await pin.click();
  await expect(pin).toBeHidden();
  await expect.poll(async () => (await width('Bob')) / (await width('Cy'))).toBeGreaterThan(1.5);
  await options.click();
  await expect(pin).toHaveAttribute('aria-pressed', 'true');

  await pin.click();
  await options.click();
  await expect(pin).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => Math.abs((await width('Bob')) - (await width('Cy')))).toBeLessThan(2);
});

test('a tile can go fullscreen and come back', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  const fullscreenLabel = () => ada.evaluate(() => document.fullscreenElement?.getAttribute('aria-label') ?? null);
  const options = tile(ada, 'Bob').getByRole('button', { name: 'Options for Bob' });
  await options.click();
  await tile(ada, 'Bob').getByRole('button', { name: 'Fullscreen' }).click();
  await expect.poll(fullscreenLabel).toBe('Bob');
  await options.click();
  await tile(ada, 'Bob').getByRole('button', { name: 'Fullscreen' }).click();
  await expect.poll(fullscreenLabel).toBeNull();
});

test('a tile can float as picture-in-picture and come back', async ({ person }) => {
  const { pages: [ada, bob] } = await meeting(person, 'Ada', 'Bob');
  // Only a video that is showing something can float.
  await expectVideoPlaying(ada, 'Bob');
  const floating = () =>
    ada.evaluate(() => (document as any).pictureInPictureElement?.closest('figure')?.getAttribute('aria-label') ?? null);
  const options = tile(ada, 'Bob').getByRole('button', { name: 'Options for Bob' });
  await options.click();
  await tile(ada, 'Bob').getByRole('button', { name: 'Picture in picture' }).click();
  await expect.poll(floating).toBe('Bob');
  await options.click();
  await tile(ada, 'Bob').getByRole('button', { name: 'Picture in picture' }).click();
  await expect.poll(floating).toBeNull();
});
