// The page's words in another language, read from the same catalogs the app compiles in
// (`locales/<tag>.ftl`), so a test finds a German button by the German name it really has.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The one-line messages of a language, by id (placeholders left as written). */
export function messages(tag: string): Record<string, string> {
  const file = path.join(__dirname, '..', '..', 'locales', `${tag}.ftl`);
  const words: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^([a-z][a-z0-9-]*) = (.+)$/.exec(line);
    if (match && !match[2].includes('{')) words[match[1]] = match[2].trim();
  }
  return words;
}
