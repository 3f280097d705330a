// Two and three people holding calls, in every join order.
import { Page } from '@playwright/test';
import {
  allLocalTracksStopped,
  expect,
  test,
  clickJoin,
  expectFramesRising,
  expectVideoPlaying,
  gatheredCandidates,
  join,
  openLobby,
  PersonOptions,
  remoteNames,
  startMeeting,
  tile,
} from './support';

test('A joins, then B joins: both see each other', async ({ person }) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await join(bob, link, 'Bob');
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  await expectFramesRising(ada, 1);
  await expectFramesRising(bob, 1);
});

test('audio, video and data share one transport: the newcomer gathers candidates for one media section only', async ({
  person,
}) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await join(bob, link, 'Bob');
  await expectFramesRising(bob, 1);
  // The newcomer makes the offer. Without max-bundle it gathers, before any answer, a transport's
  // candidates for each of audio, video and data; with it, only for the first section. Counting
  // sections rather than candidates keeps this independent of the machine's network interfaces.
  const [offered] = await gatheredCandidates(bob);
  expect(offered.length).toBeGreaterThan(0);
  expect(new Set(offered.map(({ mid }) => mid)), JSON.stringify(offered)).toEqual(new Set([offered[0].mid]));
});

/**
 * Ada in a call and Bob in its lobby, his page recording, in order, his first offer sent to the
 * server and the moment his call view appears (a mutation observer sees it as soon as it is drawn).
 */
async function bobAboutToJoin(person: (options?: PersonOptions) => Promise<Page>): Promise<{ ada: Page; bob: Page }> {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await openLobby(bob, link, 'Bob');
  await bob.evaluate(() => {
    const order: string[] = [];
    (window as any).__joinOrder = order;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (typeof data === 'string' && data.includes('"offer"') && !order.includes('offer')) order.push('offer');
      return send.call(this, data);
    };
    new MutationObserver(() => {
      if (document.querySelector('section.call') && !order.includes('call view')) order.push('call view');
    }).observe(document.body, { childList: true, subtree: true });
  });
  return { ada, bob };
}
const joinOrder = (page: Page) => page.evaluate(() => (window as any).__joinOrder as string[]);

test('joining a call, the offer leaves before the call view is drawn', async ({ person }) => {
  const { ada, bob } = await bobAboutToJoin(person);
  await clickJoin(bob);
  // Drawing the call takes tens of ms of the page's one thread: done first, it held the offer.
  await expect.poll(() => joinOrder(bob)).toEqual(['offer', 'call view']);
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
});

test('joining, the ICE configuration comes with the welcome: nothing waits for a request for it', async ({ person }) => {
  const { ada, bob } = await bobAboutToJoin(person);
  // Were the page to ask for it, the request would hang here.
  const asked: string[] = [];
  await bob.route('**/api/ice_config*', (route) => {
    asked.push(route.request().url());
  });
  await clickJoin(bob);
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  expect(await joinOrder(bob)).toEqual(['offer', 'call view']);
  expect(asked).toEqual([]);
});

test('B waits in the lobby before A joins, and joins after: both see each other', async ({ person }) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await openLobby(bob, link, 'Bob');
  await join(ada, link, 'Ada');
  await clickJoin(bob);
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  await expectFramesRising(ada, 1);
  await expectFramesRising(bob, 1);
});

test('B joins first, then A: both see each other', async ({ person }) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await join(bob, link, 'Bob');
  await join(ada, link, 'Ada');
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  await expectFramesRising(ada, 1);
  await expectFramesRising(bob, 1);
});

test('both click Join at the same moment: both see each other', async ({ person }) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await openLobby(ada, link, 'Ada');
  await openLobby(bob, link, 'Bob');
  await Promise.all([clickJoin(ada), clickJoin(bob)]);
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  await expectFramesRising(ada, 1);
  await expectFramesRising(bob, 1);
});

test('a reload mid-call is a leave then a fresh join, with no duplicate tile', async ({ person }) => {
  const ada = await person();
  const bob = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await join(bob, link, 'Bob');
  await expectVideoPlaying(ada, 'Bob');

  await bob.reload();
  await expect(tile(ada, 'Bob')).toHaveCount(0);
  // The name is remembered across the reload.
  await expect(bob.getByRole('textbox', { name: 'Your name' })).toHaveValue('Bob');
  await clickJoin(bob);
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  expect(await remoteNames(ada)).toEqual(['Bob']);
  await expectFramesRising(ada, 1);
  await expectFramesRising(bob, 1);
});

test('a third person joins a call and everyone sees everyone; one leaves and the rest go on', async ({ person }) => {
  const ada = await person();
  const bob = await person();
  const cy = await person();
  const link = await startMeeting(ada);
  await join(ada, link, 'Ada');
  await join(bob, link, 'Bob');
  await join(cy, link, 'Cy');
  for (const [page, others] of [
    [ada, ['Bob', 'Cy']],
    [bob, ['Ada', 'Cy']],
    [cy, ['Ada', 'Bob']],
  ] as const) {
    for (const name of others) await expectVideoPlaying(page, name);
    await expectFramesRising(page, 2);
  }

  await cy.getByRole('button', { name: 'Leave' }).click();
  await expect(cy.getByRole('heading', { name: 'You left the meeting' })).toBeVisible();
  await expect(tile(ada, 'Cy')).toHaveCount(0);
  await expect(tile(bob, 'Cy')).toHaveCount(0);
  // Leaving released the camera and microphone and closed every connection.
  expect(await allLocalTracksStopped(cy)).toBe(true);
  expect(
    await cy.evaluate(() =>
      ((window as any).__confabPeerConnections as RTCPeerConnection[]).every((pc) => pc.connectionState === 'closed'),
    ),
  ).toBe(true);
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  await expectFramesRising(ada, 1);
  await expectFramesRising(bob, 1);
});

test('two meetings at once do not see each other', async ({ person }) => {
  const [ada, bob, cy, dee] = await Promise.all([1, 2, 3, 4].map(() => person()));
  const first = await startMeeting(ada);
  const second = await startMeeting(cy);
  expect(second).not.toEqual(first);
  await join(ada, first, 'Ada');
  await join(cy, second, 'Cy');
  await join(bob, first, 'Bob');
  await join(dee, second, 'Dee');
  await expectVideoPlaying(ada, 'Bob');
  await expectVideoPlaying(bob, 'Ada');
  await expectVideoPlaying(cy, 'Dee');
  await expectVideoPlaying(dee, 'Cy');
  expect(await remoteNames(ada)).toEqual(['Bob']);
  expect(await remoteNames(bob)).toEqual(['Ada']);
  expect(await remoteNames(cy)).toEqual(['Dee']);
  expect(await remoteNames(dee)).toEqual(['Cy']);
  for (const page of [ada, bob, cy, dee]) await expectFramesRising(page, 1);
});
