// The call screen's states and how a person gets there, by role and accessible name: panels,
// a tile's options, pinning, the host's lock and remove, a full room; and a tour of one growing
// meeting through every state, for the fit checks (callscreen.spec.ts) and the screenshots.
import { Browser, Locator, Page } from '@playwright/test';
import { expect, join, joinBySignaling, openLobby, startMeeting, tile } from './support';
import {
  Person,
  Screen,
  desktop,
  expectNoStage,
  expectStage,
  leaveButton,
  on,
  phone,
  toolbar,
  videosShowing,
} from './screen_fit';

/** The panels of the call screen, by the name of their heading. */
export const PANELS = ['People', 'Chat', 'Files', 'Devices', 'Settings'] as const;
export type Panel = (typeof PANELS)[number];

/** The toolbar button that opens and closes a panel (People's, Chat's and Files' may carry a count). */
export function panelToggle(page: Page, panel: Panel): Locator {
  if (panel === 'People') return toolbar(page).getByRole('button', { name: /^People(, \d+ waiting)?(, \d+ hands? raised)?$/ });
  if (panel === 'Chat') return toolbar(page).getByRole('button', { name: /^Chat(, \d+ unread)?$/ });
  if (panel === 'Files') return toolbar(page).getByRole('button', { name: /^Files(, \d+ waiting)?$/ });
  return toolbar(page).getByRole('button', { name: panel, exact: true });
}

/** An open panel: a complementary region named by its heading. */
export function panelRegion(page: Page, panel: Panel): Locator {
  return page.getByRole('complementary', { name: panel, exact: true });
}

/** A panel's own close button ("Close chat", "Close people", …). */
export function closeButton(page: Page, panel: Panel): Locator {
  return panelRegion(page, panel).getByRole('button', { name: `Close ${panel.toLowerCase()}`, exact: true });
}

/** Opens a panel from the toolbar and waits until it shows. */
export async function openPanel(page: Page, panel: Panel): Promise<void> {
  await expect(panelToggle(page, panel)).toBeVisible();
  await panelToggle(page, panel).click();
  await expect(panelRegion(page, panel)).toBeVisible();
  await expect(panelToggle(page, panel)).toHaveAttribute('aria-expanded', 'true');
}

/** Closes a panel with its close button and waits until it has gone. */
export async function closePanel(page: Page, panel: Panel): Promise<void> {
  await closeButton(page, panel).click();
  await expect(panelRegion(page, panel)).toBeHidden();
  await expect(panelToggle(page, panel)).toHaveAttribute('aria-expanded', 'false');
}

/** A tile's one "Options for <name>" button, which shows or hides the tile's own buttons. */
export function tileOptions(page: Page, name: string): Locator {
  return tile(page, name).getByRole('button', { name: `Options for ${name}`, exact: true });
}

/** Shows a tile's buttons (Pin, Fullscreen, …), or hides them with `open` false. */
export async function showTileOptions(page: Page, name: string, open = true): Promise<void> {
  const options = tileOptions(page, name);
  await expect(options).toBeVisible();
  if ((await options.getAttribute('aria-expanded')) !== String(open)) await options.click();
  await expect(options).toHaveAttribute('aria-expanded', String(open));
}

/** Pins a tile (or unpins it, with `pinned` false) from its options, and hides the options again. */
export async function pin(page: Page, name: string, pinned = true): Promise<void> {
  await showTileOptions(page, name);
  const button = tile(page, name).getByRole('button', { name: 'Pin', exact: true });
  await button.click();
  // Pressing an option closes the options; opened again, Pin says whether the tile is pinned.
  await showTileOptions(page, name);
  await expect(button).toHaveAttribute('aria-pressed', String(pinned));
  await showTileOptions(page, name, false);
}

/** The "Remove <name>?" confirmation the host gets before removing someone. */
export function removeConfirmation(page: Page, name: string): Locator {
  return page.getByRole('alertdialog', { name: `Remove ${name}?`, exact: true });
}

/** The host asks to remove someone from the People panel: the confirmation shows. */
export async function askToRemove(host: Page, name: string): Promise<void> {
  await expect(panelToggle(host, 'People')).toBeVisible();
  if (!(await panelRegion(host, 'People').isVisible())) await openPanel(host, 'People');
  await panelRegion(host, 'People')
    .getByRole('list', { name: 'Participants' })
    .getByRole('button', { name: `Remove ${name}`, exact: true })
    .click();
  await expect(removeConfirmation(host, name)).toBeVisible();
}

/** The host removes someone, confirming it; the removed person is told. */
export async function remove(host: Page, name: string, removed: Page): Promise<void> {
  await askToRemove(host, name);
  await removeConfirmation(host, name).getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(removed.getByRole('heading', { name: 'You were removed from the meeting' })).toBeVisible();
}

/** The host locks the meeting (or unlocks it) from the People panel, and closes the panel again. */
export async function lockMeeting(host: Page, locked = true): Promise<void> {
  await openPanel(host, 'People');
  const controls = panelRegion(host, 'People');
  const [press, then] = locked ? ['Lock meeting', 'Unlock meeting'] : ['Unlock meeting', 'Lock meeting'];
  await controls.getByRole('button', { name: press, exact: true }).click();
  await expect(controls.getByRole('button', { name: then, exact: true })).toBeVisible();
  await closePanel(host, 'People');
}

/**
 * Fills the meeting at `link` with six participants speaking the signaling protocol from `page`
 * (cheaper than six more browsers), so that the next to join is one too many.
 */
export async function fillRoom(page: Page, link: string): Promise<void> {
  await joinBySignaling(page, link, ['P0', 'P1', 'P2', 'P3', 'P4', 'P5']);
}

/** A meeting filled to its limit, and one more person who asks to join: the page they see. */
export async function turnedAwayFromFullMeeting(person: Person): Promise<Page> {
  const host = await person();
  const link = await startMeeting(host);
  await fillRoom(host, link);
  const late = await person();
  await openLobby(late, link, 'Late');
  await late.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(late.getByRole('heading', { name: 'This meeting is full' })).toBeVisible();
  return late;
}

/** A state of the call screen the tour stops at, as one observer sees it. */
export type Stop = {
  /** The observer's page. */
  page: Page;
  /** The observer's device. */
  screen: Screen;
  /** A short name for the state, as in screenshot file names: "call-4-people", "chat-open". */
  state: string;
  /** The tile the state is about (pinned, or showing its options or statistics), if any. */
  tile?: string;
};

/**
 * Takes one growing meeting through every state of the call screen, stopping at each for `visit`
 * to look, with two observers: Bob on a phone (the first in, so the host) and Ada on a desktop.
 * The states: 1, 2, 4 and 6 people; a tile's options, then its connection statistics, open; a
 * tile pinned; a screen shared; hands raised with the reactions open; each panel open; the People
 * panel as host and the remove confirmation (Ada's once Bob has left and she hosts); and Ada alone
 * again once the others have left.
 */
export async function tourCallScreen(
  person: Person,
  browser: Browser,
  visit: (stop: Stop) => Promise<void>,
  /**
   * Whether the two observers run noise suppression, as everyone does by default (for pictures
   * of the screen as people see it). Off, nobody does: six audio graphs on a small machine cost
   * the tour minutes, and the noise tests prove suppression itself.
   */
  { observersSuppressNoise = false } = {},
): Promise<void> {
  type Observer = { page: Page; screen: Screen; other: string };
  const quiet = { noiseSuppression: false };
  const observer = observersSuppressNoise ? {} : quiet;
  const bob: Observer = { page: await person({ ...observer, browser: on(browser, phone) }), screen: phone, other: 'Ada' };
  const ada: Observer = { page: await person({ ...observer, browser: on(browser, desktop) }), screen: desktop, other: 'Bob' };
  const observers = [bob, ada];
  const link = await startMeeting(bob.page);
  /** Everyone in the call. */
  const inCall: Page[] = [];
  /** `name` joins, on `page` or in a new browser profile. */
  const arrive = async (name: string, page?: Page) => {
    page ??= await person(quiet);
    await join(page, link, name);
    inCall.push(page);
  };
  /** Each observer in `who` visits `state` once they see everyone with their video. */
  const stop = async (state: string, who = observers, about?: (o: Observer) => string, panel = false) => {
    for (const o of who) {
      // On a phone a panel is a sheet over the call, and the tiles under it are hidden.
      if (panel && o.screen === phone) {
        await expect(o.page.getByRole('figure')).toHaveCount(0);
      } else {
        await expect(o.page.getByRole('figure')).toHaveCount(inCall.length);
        await videosShowing(o.page);
      }
      await visit({ page: o.page, screen: o.screen, state, tile: about?.(o) });
    }
  };
  const theOther = (o: Observer) => o.other;
  const statistics = (o: Observer) =>
    tile(o.page, o.other).getByRole('button', { name: 'Connection statistics', exact: true });

  await arrive('Bob', bob.page);
  await stop('call-1-person', [bob]);
  await arrive('Ada', ada.page);
  await stop('call-2-people');
  await arrive('Cy');
  await arrive('Dee');
  await stop('call-4-people');
  await arrive('Eve');
  await arrive('Fay');
  await stop('call-6-people');

  for (const o of observers) await showTileOptions(o.page, o.other);
  await stop('tile-options', observers, theOther);
  for (const o of observers) {
    await statistics(o).click();
    await expect(
      tile(o.page, o.other).getByRole('region', { name: `Connection statistics for ${o.other}` }),
    ).toBeVisible();
  }
  await stop('statistics-open', observers, theOther);
  // Each of a tile's options closes them once pressed: open them again to hide the statistics.
  for (const o of observers) {
    await showTileOptions(o.page, o.other);
    await statistics(o).click();
    await expect(
      tile(o.page, o.other).getByRole('region', { name: `Connection statistics for ${o.other}` }),
    ).toHaveCount(0);
    await showTileOptions(o.page, o.other, false);
  }

  for (const o of observers) {
    await pin(o.page, o.other);
    await expectStage(o.page);
  }
  await stop('pinned', observers, theOther);
  for (const o of observers) {
    await pin(o.page, o.other, false);
    await expectNoStage(o.page);
  }

  // The fake-UI flag picks a screen to share without asking.
  const cy = inCall[2];
  await cy.getByRole('button', { name: 'Share screen', exact: true }).click();
  await expect(cy.getByRole('button', { name: 'Stop sharing', exact: true })).toBeVisible();
  for (const o of observers) await expectStage(o.page);
  await stop('screen-share');
  await cy.getByRole('button', { name: 'Stop sharing', exact: true }).click();
  await expect(cy.getByRole('button', { name: 'Share screen', exact: true })).toBeVisible();
  for (const o of observers) {
    // Six browsers decoding five videos each on two cores: a page this loaded has been seen to
    // take 5-20 s to draw a change the server relayed at once (the same check takes about a
    // second with six people and nothing else done before); it must still come.
    await expect(tile(o.page, 'Cy').getByText('(screen share)')).toHaveCount(0, { timeout: 60_000 });
    await expectNoStage(o.page);
  }

  // Two hands up (Dee's first), Ada's own too, and the reactions open above the control bar.
  const dee = inCall[3];
  for (const page of [dee, cy, ada.page]) await raiseHand(page);
  for (const o of observers) {
    await expect(tile(o.page, 'Dee').getByRole('img', { name: 'Hand raised' })).toBeVisible();
    await expect(tile(o.page, 'Cy').getByRole('img', { name: 'Hand raised' })).toBeVisible();
    await reactionsToggle(o.page).click();
    await expect(reactionPicker(o.page)).toBeVisible();
  }
  await stop('hands-raised');
  for (const o of observers) {
    await reactionsToggle(o.page).click();
    await expect(reactionPicker(o.page)).toBeHidden();
  }
  for (const page of [dee, cy, ada.page]) await lowerHand(page);

  for (const panel of ['Chat', 'Files', 'Devices', 'Settings'] as const) {
    for (const o of observers) await openPanel(o.page, panel);
    await stop(`${panel.toLowerCase()}-open`, observers, undefined, true);
    for (const o of observers) await closePanel(o.page, panel);
  }

  for (const host of observers) {
    await openPanel(host.page, 'People');
    await stop('people-open', [host], undefined, true);
    await askToRemove(host.page, 'Fay');
    await stop('remove-confirm', [host], () => 'Fay', true);
    await removeConfirmation(host.page, 'Fay').getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(removeConfirmation(host.page, 'Fay')).toBeHidden();
    await closePanel(host.page, 'People');
    // Bob leaves; Ada, the next to have come, hosts now.
    if (host === bob) {
      await leaveButton(bob.page).click();
      await expect(bob.page.getByRole('heading', { name: 'You left the meeting' })).toBeVisible();
      inCall.splice(inCall.indexOf(bob.page), 1);
    }
  }

  for (const page of inCall.filter((p) => p !== ada.page)) await leaveButton(page).click();
  inCall.splice(0, inCall.length, ada.page);
  await stop('call-1-person', [ada]);
}

/** The control-bar button that shows the reactions. */
export function reactionsToggle(page: Page): Locator {
  return toolbar(page).getByRole('button', { name: 'Reactions', exact: true });
}

/** The row of reactions above the control bar. */
export function reactionPicker(page: Page): Locator {
  return page.getByRole('group', { name: 'Send a reaction' });
}

/** Raises the hand on `page`, and sees the button turn into "Lower hand". */
export async function raiseHand(page: Page): Promise<void> {
  await toolbar(page).getByRole('button', { name: 'Raise hand', exact: true }).click();
  await expect(toolbar(page).getByRole('button', { name: 'Lower hand', exact: true })).toBeVisible();
}

/** Lowers the hand on `page`, and sees the button turn back into "Raise hand". */
export async function lowerHand(page: Page): Promise<void> {
  await toolbar(page).getByRole('button', { name: 'Lower hand', exact: true }).click();
  await expect(toolbar(page).getByRole('button', { name: 'Raise hand', exact: true })).toBeVisible();
}
