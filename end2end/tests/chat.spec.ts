// Chat among participants: peer to peer, in order, private messages, text shown as text.
import { allTogether, expect, meeting, openChat, say, test, texts } from './support';

test('chat among three keeps order, private messages reach only their target, HTML stays text', async ({
  person,
}) => {
  const { pages } = await meeting(person, 'Ann', 'Bob', 'Cat');
  const [ann, bob, cat] = pages;
  await allTogether(pages);
  // Wait until every data channel is open: a message from Cat reaches both others.
  await say(cat, 'hello from Cat');
  await openChat(ann);
  await openChat(bob);
  await expect.poll(() => texts(ann)).toEqual(['hello from Cat']);
  await expect.poll(() => texts(bob)).toEqual(['hello from Cat']);

  for (const n of [1, 2, 3, 4, 5]) await say(ann, `message ${n}`);
  const inOrder = ['hello from Cat', 'message 1', 'message 2', 'message 3', 'message 4', 'message 5'];
  await expect.poll(() => texts(bob)).toEqual(inOrder);
  await expect.poll(() => texts(cat)).toEqual(inOrder);
  await expect(bob.getByRole('log').getByRole('listitem').last()).toContainText('Ann');

  await say(bob, 'just for Cat', 'Cat');
  await say(bob, 'for everyone again');
  await expect.poll(() => texts(cat)).toEqual([...inOrder, 'just for Cat', 'for everyone again']);
  // Ann got the later public message, so the private one was never sent to her.
  await expect.poll(() => texts(ann)).toEqual([...inOrder, 'for everyone again']);
  const privateAtCat = cat.getByRole('listitem').filter({ hasText: 'just for Cat' });
  await expect(privateAtCat).toContainText('Bob to you');
  await expect(privateAtCat).toContainText('Private');
  await expect(bob.getByRole('listitem').filter({ hasText: 'just for Cat' })).toContainText('You to Cat');

  const html = '<b>bold</b><img src=x onerror="document.title=\'owned\'">';
  await say(ann, html);
  await expect.poll(() => texts(bob)).toContain(html);
  const log = bob.getByRole('log', { name: 'Chat messages' });
  await expect(log.locator('b, img')).toHaveCount(0);
  expect(await bob.title()).not.toBe('owned');
});

test('unread messages are counted on the Chat button until the panel opens', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  await expect(bob.getByRole('button', { name: 'Chat', exact: true })).toBeVisible();
  await say(ann, 'one');
  await say(ann, 'two');
  await expect(bob.getByRole('button', { name: 'Chat, 2 unread' })).toBeVisible();
  await bob.getByRole('button', { name: 'Chat, 2 unread' }).click();
  await expect(bob.getByRole('button', { name: 'Chat', exact: true })).toHaveAttribute('aria-expanded', 'true');
  await expect.poll(() => texts(bob)).toEqual(['one', 'two']);
  // Messages arriving while the panel is open are read at once.
  await say(ann, 'three');
  await expect.poll(() => texts(bob)).toEqual(['one', 'two', 'three']);
  await expect(bob.getByRole('button', { name: 'Chat', exact: true })).toBeVisible();
});

test('web links become safe clickable links; other schemes stay text', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  await say(ann, 'notes at https://example.com/notes?id=7. and javascript:alert(1)');
  await openChat(bob);
  const link = bob.getByRole('log').getByRole('link', { name: 'https://example.com/notes?id=7' });
  await expect(link).toHaveAttribute('href', 'https://example.com/notes?id=7');
  await expect(link).toHaveAttribute('rel', /noopener/);
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(bob.getByRole('log').getByRole('link')).toHaveCount(1);
  await expect(bob.getByRole('log')).toContainText('javascript:alert(1)');
});

test('a message over the limit is refused with a sentence and the draft is kept', async ({ person }) => {
  const { pages } = await meeting(person, 'Ann', 'Bob');
  const [ann, bob] = pages;
  await allTogether(pages);
  await openChat(ann);
  const long = 'x'.repeat(4001);
  await ann.getByRole('textbox', { name: 'Message' }).fill(long);
  await ann.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(ann.getByRole('complementary', { name: 'Chat' }).getByRole('alert')).toHaveText(
    'Messages can be at most 4000 characters; this one has 4001.',
  );
  await expect(ann.getByRole('textbox', { name: 'Message' })).toHaveValue(long);
  // Trimmed to the limit, it goes.
  await ann.getByRole('textbox', { name: 'Message' }).fill('y'.repeat(4000));
  await ann.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(ann.getByRole('complementary', { name: 'Chat' }).getByRole('alert')).toBeHidden();
  await openChat(bob);
  await expect.poll(() => texts(bob)).toEqual(['y'.repeat(4000)]);
});
