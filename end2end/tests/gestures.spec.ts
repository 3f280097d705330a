// Raising a hand, reactions, and the People panel, between real browsers: what one person does
// the others see (a late joiner too), in order, and only the host may lower a hand or ask
// someone to unmute.
import { Page } from '@playwright/test';
import { expect, join, meeting, test, tile } from './support';
import { lowerHand, openPanel, panelRegion, panelToggle, raiseHand, reactionPicker, reactionsToggle } from './call_states';
import { lightCamera, micButton, toolbar } from './screen_fit';

// Five people send video in the longest test: a lighter fake camera keeps the machine keeping up.
test.use({ launchOptions: lightCamera });

/** The People panel's list on `page`, opened if it is not. */
async function participants(page: Page) {
  if (!(await panelRegion(page, 'People').isVisible())) await openPanel(page, 'People');
  return panelRegion(page, 'People').getByRole('list', { name: 'Participants' });
}

/** The row of `name` in the People panel's list. */
async function row(page: Page, name: string) {
  return (await participants(page)).getByRole('listitem').filter({ hasText: name });
}

test('raised hands reach everyone and a late joiner in the order they went up, and the host lowers one', async ({
  person,
}) => {
  const { link, pages } = await meeting(person, 'Ada', 'Bob', 'Cy');
  const [ada, bob, cy] = pages;
  await expect(tile(ada, 'Cy')).toBeVisible();
  await raiseHand(bob);
  // Cy raises hers with the keyboard shortcut.
  await cy.locator('body').press('h');
  await expect(toolbar(cy).getByRole('button', { name: 'Lower hand', exact: true })).toBeVisible();

  await expect(tile(ada, 'Bob').getByRole('img', { name: 'Hand raised' })).toBeVisible();
  await expect(tile(cy, 'Bob').getByRole('img', { name: 'Hand raised' })).toBeVisible();
  await expect(tile(cy, 'You').getByRole('img', { name: 'Hand raised' })).toBeVisible();
  await expect(panelToggle(ada, 'People')).toHaveAccessibleName('People, 2 hands raised');
  const list = await participants(ada);
  await expect(list.getByRole('listitem').nth(0)).toContainText('Bob');
  await expect(list.getByRole('listitem').nth(1)).toContainText('Cy');
  await expect(list.getByRole('listitem').nth(2)).toContainText('You');
  await expect((await row(ada, 'Bob')).getByRole('img', { name: 'Hand raised, 1st' })).toBeVisible();
  await expect((await row(ada, 'Cy')).getByRole('img', { name: 'Hand raised, 2nd' })).toBeVisible();
  await expect((await row(ada, 'You')).getByText('Host')).toBeVisible();

  const dee = await person();
  await join(dee, link, 'Dee');
  await expect(tile(dee, 'Bob').getByRole('img', { name: 'Hand raised' })).toBeVisible();
  await expect((await row(dee, 'Bob')).getByRole('img', { name: 'Hand raised, 1st' })).toBeVisible();
  // Only the host can lower someone else's hand.
  await expect((await participants(dee)).getByRole('button', { name: /^Lower hand of/ })).toHaveCount(0);

  await (await row(ada, 'Bob')).getByRole('button', { name: 'Lower hand of Bob', exact: true }).click();
  await expect(toolbar(bob).getByRole('button', { name: 'Raise hand', exact: true })).toBeVisible();
  await expect(tile(dee, 'Bob').getByRole('img', { name: 'Hand raised' })).toHaveCount(0);
  await expect((await row(ada, 'Cy')).getByRole('img', { name: 'Hand raised, 1st' })).toBeVisible();
  await lowerHand(cy);
  await expect(panelToggle(ada, 'People')).toHaveAccessibleName('People');

  // A fifth person makes the list long enough to search.
  const eve = await person();
  await join(eve, link, 'Eve');
  const search = panelRegion(ada, 'People').getByRole('searchbox', { name: 'Find a participant' });
  await search.fill('EV');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText('Eve');
  await search.fill('');
  await expect(list.getByRole('listitem')).toHaveCount(5);
});

test('a reaction floats over the sender for everyone and is announced; a flood is refused', async ({ person }) => {
  const { pages } = await meeting(person, 'Ada', 'Bob');
  const [ada, bob] = pages;
  await expect(tile(ada, 'Bob')).toBeVisible();
  await reactionsToggle(bob).click();
  const picker = reactionPicker(bob);
  await expect(picker.getByRole('button', { name: 'Send thumbs up' })).toBeFocused();
  await picker.getByRole('button', { name: 'Send applause', exact: true }).click();
  await expect(tile(ada, 'Bob').getByText('👏')).toBeVisible();
  await expect(tile(bob, 'You').getByText('👏')).toBeVisible();
  await expect(ada.getByRole('status', { name: 'Reactions sent' })).toContainText('Bob: applause');
  // It goes by itself.
  await expect(tile(ada, 'Bob').getByText('👏')).toHaveCount(0, { timeout: 10_000 });

  // Pressed as fast as a page can: the server lets a few through and says so.
  const heart = picker.getByRole('button', { name: 'Send heart', exact: true });
  for (let i = 0; i < 12; i++) await heart.click();
  await expect(bob.getByRole('status').filter({ hasText: 'too many times' })).toBeVisible();
  const shown = await tile(ada, 'Bob').getByText('❤️').count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThanOrEqual(3);

  // Escape closes the reactions and gives focus back to their button.
  await heart.press('Escape');
  await expect(picker).toBeHidden();
  await expect(reactionsToggle(bob)).toBeFocused();
});

test('the host asks a muted person to unmute: only they are told, and their microphone stays off', async ({
  person,
}) => {
  const { pages } = await meeting(person, 'Ada', 'Bob', 'Cy');
  const [ada, bob, cy] = pages;
  await expect(tile(ada, 'Cy')).toBeVisible();
  await micButton(bob).click();
  await expect(bob.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
  await expect((await row(ada, 'Bob')).getByRole('img', { name: 'Microphone off' })).toBeVisible();
  await expect((await row(ada, 'Cy')).getByRole('button', { name: /^Ask to unmute/ })).toHaveCount(0);
  await (await row(ada, 'Bob')).getByRole('button', { name: 'Ask to unmute Bob', exact: true }).click();
  const asked = 'The host asks you to turn your microphone on.';
  await expect(bob.getByRole('status').filter({ hasText: asked })).toBeVisible();
  await expect(bob.getByRole('button', { name: 'Unmute microphone' })).toBeVisible();
  await expect(cy.getByRole('status').filter({ hasText: asked })).toHaveCount(0);
  // A guest has no such button.
  await expect((await row(cy, 'Bob')).getByRole('button', { name: /^Ask to unmute/ })).toHaveCount(0);
});
