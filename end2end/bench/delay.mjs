// A second "machine" at a chosen round-trip time from this one, for benchmarks: a network
// namespace joined to the root namespace by a link that delays every packet by half the round
// trip each way. A Chromium started through `chromium` runs inside it, so
// everything it sends to or receives from this machine (the page, the signaling, and the media
// and data of a call with a browser in the root namespace) crosses the delayed link.
//
// Root, as CI is. `remove()` takes it down; it also runs when the process exits.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumPath } from './common.mjs';

const run = (command, ...args) => execFileSync(command, args, { stdio: 'pipe', encoding: 'utf8' });
const attempt = (command, ...args) => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {}
};

/**
 * Builds the link: this machine is `hostIp` on it, the namespace `farIp`. Returns those, the
 * Chromium wrapper and `remove`. The kernel here has no netem, so the delay is
 * `delay-link.py`, a user-space link between two TUN devices (its CPU is shared by everything
 * measured over it).
 */
export async function createDelayedHost(rttMs) {
  const id = `cfd${process.pid}`;
  const namespace = `${id}-far`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-delay-'));
  let link = null;
  const remove = () => {
    link?.kill();
    attempt('ip', 'netns', 'delete', namespace);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', remove);
  try {
    run('ip', 'netns', 'add', namespace);
    // No IPv6 there: an address settling after the browser starts is a "network change" that
    // makes Chromium abort page loads.
    for (const scope of ['all', 'default']) {
      run('ip', 'netns', 'exec', namespace, 'sysctl', '-qw', `net.ipv6.conf.${scope}.disable_ipv6=1`);
    }
    run('ip', '-n', namespace, 'link', 'set', 'lo', 'up');
    const script = path.join(path.dirname(new URL(import.meta.url).pathname), 'delay-link.py');
    link = spawn('python3', [script, namespace, String(rttMs / 2)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => {
      link.stdout.once('data', resolve);
      link.once('exit', (code) => reject(new Error(`delay-link.py exited with ${code}`)));
    });
    const chromium = path.join(dir, 'chromium');
    fs.writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${namespace} ${chromiumPath} "$@"\n`, { mode: 0o755 });
    return { hostIp: '10.78.0.1', farIp: '10.78.0.2', chromium, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
