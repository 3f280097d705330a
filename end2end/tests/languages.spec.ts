// The interface in the person's language: rendered by the server in the language the browser
// asks for, hydrated without a mismatch (any console error fails the test), and switched in
// Settings for this page and the next ones.
import { expect, test } from './support';
import { messages } from './messages';

for (const [tag, locale] of [
  ['de', 'de-DE'],
  ['es', 'es-ES'],
] as const) {
  test(`a ${locale} browser gets the whole meeting in ${tag}, from the start page to the call`, async ({
    person,
  }) => {
    const words = messages(tag);
    const page = await person({ locale });
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', tag);
    await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
    await page.getByRole('button', { name: words['home-start'] }).click();
    await expect(page).toHaveURL(/\/room\/[a-z2-7]{26}$/);
    await page.getByRole('textbox', { name: words['your-name'] }).fill('Ana');
    await page.getByRole('button', { name: words['join'], exact: true }).click();
    await expect(page.getByRole('button', { name: words['leave'] })).toBeVisible();
    await expect(page.getByRole('button', { name: words['mic-mute'] })).toBeVisible();
    await expect(page.getByRole('heading', { name: words['alone-heading'] })).toBeVisible();
    // Nothing English is left on the call screen's controls.
    await expect(page.getByRole('button', { name: 'Mute microphone' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Leave' })).toHaveCount(0);
  });
}

test('choosing a language in Settings changes the page at once and the next pages too', async ({
  person,
}) => {
  const german = messages('de');
  const page = await person();
  await page.goto('/');
  await page.getByRole('button', { name: 'Start a meeting' }).click();
  await page.getByRole('textbox', { name: 'Your name' }).fill('Ada');
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Language').selectOption({ label: 'Deutsch' });
  // The open page speaks German without reloading: the call goes on.
  await expect(page.getByRole('button', { name: german['leave'] })).toBeVisible();
  await expect(page.getByRole('button', { name: german['mic-mute'] })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByLabel(german['settings-language'])).toHaveValue('de');
  // The server renders the next page in German too.
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByRole('button', { name: german['home-start'] })).toBeVisible();
});
