// The waiting room between real browsers: with "Admit people manually" on, newcomers wait in the
// lobby until the host lets them in, one by one or all at once, or turns them away.
import { Page } from '@playwright/test';
import { expect, join, meeting, openLobby, test, tile } from './support';
import { openPanel, panelRegion, panelToggle } from './call_states';
import { lightCamera } from './screen_fit';

test.use({ launchOptions: lightCamera });

/** Opens the link on `page`, clicks Join, and is told to wait. */
async function knock(page: Page, link: string, name: string): Promise<void> {
  await openLobby(page, link, name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Waiting for the host to let you in' })).toBeVisible();
}

test('newcomers wait until the host admits them, one or all, or turns them away', async ({ person }) => {
  const { link, pages } = await meeting(person, 'Ada');
  const [ada] = pages;
  await openPanel(ada, 'People');
  const people = panelRegion(ada, 'People');
  await people.getByRole('checkbox', { name: 'Admit people manually' }).check();
  await expect(people.getByRole('checkbox', { name: 'Admit people manually' })).toBeChecked();

  const bob = await person();
  await knock(bob, link, 'Bob');
  await expect(ada.getByRole('status').filter({ hasText: 'Bob is waiting to be let in' })).toBeVisible();
  await expect(panelToggle(ada, 'People')).toHaveAccessibleName('People, 1 waiting');
  // Waiting, Bob sees nobody and nobody sees Bob.
  await expect(tile(ada, 'Bob')).toHaveCount(0);
  await expect(bob.getByRole('button', { name: 'Leave' })).toHaveCount(0);
  const waiting = people.getByRole('list', { name: 'Waiting to join' });
  await waiting.getByRole('button', { name: 'Admit Bob', exact: true }).click();
  await expect(bob.getByRole('button', { name: 'Leave' })).toBeVisible();
  await expect(tile(bob, 'Ada')).toBeVisible();
  await expect(tile(ada, 'Bob')).toBeVisible();
  await expect(waiting).toHaveCount(0);

  const cy = await person();
  await knock(cy, link, 'Cy');
  await waiting.getByRole('button', { name: 'Deny Cy', exact: true }).click();
  await expect(cy.getByRole('heading', { name: 'The host did not let you in' })).toBeVisible();
  await expect(tile(ada, 'Cy')).toHaveCount(0);

  const dee = await person();
  const eve = await person();
  await knock(dee, link, 'Dee');
  await knock(eve, link, 'Eve');
  await expect(panelToggle(ada, 'People')).toHaveAccessibleName('People, 2 waiting');
  await people.getByRole('button', { name: 'Admit all', exact: true }).click();
  for (const page of [dee, eve]) await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
  await expect(tile(ada, 'Eve')).toBeVisible();

  // A guest cannot let anyone in: no waiting list, no switch.
  await openPanel(bob, 'People');
  await expect(panelRegion(bob, 'People').getByRole('checkbox', { name: 'Admit people manually' })).toHaveCount(0);
});

test('someone waiting can stop waiting, and the host no longer sees them', async ({ person }) => {
  const { link, pages } = await meeting(person, 'Ada');
  const [ada] = pages;
  await openPanel(ada, 'People');
  await panelRegion(ada, 'People').getByRole('checkbox', { name: 'Admit people manually' }).check();
  const bob = await person();
  await knock(bob, link, 'Bob');
  const waiting = panelRegion(ada, 'People').getByRole('list', { name: 'Waiting to join' });
  await expect(waiting.getByRole('listitem')).toHaveCount(1);
  await bob.getByRole('button', { name: 'Stop waiting', exact: true }).click();
  await expect(bob.getByRole('button', { name: 'Join', exact: true })).toBeVisible();
  await expect(waiting).toHaveCount(0);
  // And joins normally once the host turns the waiting room off.
  await panelRegion(ada, 'People').getByRole('checkbox', { name: 'Admit people manually' }).uncheck();
  await join(bob, link, 'Bob');
  await expect(tile(ada, 'Bob')).toBeVisible();
});
