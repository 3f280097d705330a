// A small Internet with two home networks behind symmetric NATs, built from Linux network
// namespaces, for tests that prove calls need (and get) a TURN relay.
//
// Layout (every name carries this process's id, so runs never collide):
//
//   root namespace: bridge cfn<id>br, 10.77.0.1/24 ("the Internet": Confab, STUN/TURN)
//     ├─ veth ── cfn<id>-nat-a: 10.77.0.2, masquerades 192.168.1.0/24 with random ports
//     │            └─ veth ── cfn<id>-lan-a: 192.168.1.2, a browser
//     └─ veth ── cfn<id>-nat-b: 10.77.0.3, masquerades 192.168.2.0/24 with random ports
//                  └─ veth ── cfn<id>-lan-b: 192.168.2.2, a browser
//
// `MASQUERADE --random-fully` picks a new public port for every destination, which makes both
// NATs symmetric: the port a STUN server sees is useless to the other browser. The NATs have no
// default route, so nothing leaves this machine, and neither home network can reach the other.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, chromium } from '@playwright/test';
import { chromiumArgs } from './chromium.mjs';

/** The bridge's address: where Confab and the STUN/TURN servers listen. */
export const PUBLIC_IP = '10.77.0.1';
/** The "Internet" the NATs share; a TURN relay must be allowed to send to it. */
export const PUBLIC_NET = '10.77.0.0/24';

const PREFIX = 'cfn';
/** The tag on the root namespace's firewall rules, to find them again. */
const RULE_TAG = 'confab-nat-';

/** One home network: its namespace, its NAT's public address, and a Chromium that runs inside it. */
export type Lan = {
  /** The home network's namespace, where the browser runs. */
  namespace: string;
  /** The NAT's namespace. */
  natNamespace: string;
  /** The NAT's address on the public side: what a STUN server sees. */
  publicIp: string;
  /** The browser machine's address in the home network. */
  hostIp: string;
  /** A script that starts Chromium inside `namespace`, for Playwright's executablePath. */
  chromium: string;
};

/** Why the NAT tests cannot run here, or undefined when they can. */
export function natUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  for (const tool of ['ip', 'iptables']) {
    if (!commandExists(tool)) return `\`${tool}\` is not installed (apt-get install -y iproute2 iptables)`;
  }
  return undefined;
}

/** Whether a program is on PATH. */
export function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(command: string, ...args: string[]): string {
  try {
    return execFileSync(command, args, { stdio: 'pipe', encoding: 'utf8' });
  } catch (error: any) {
    throw new Error(`${command} ${args.join(' ')} failed: ${error.stderr || error.message}`);
  }
}

/** Runs a command and ignores failure (teardown of what may already be gone). */
function attempt(command: string, ...args: string[]): void {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    // Already gone.
  }
}

function inNamespace(namespace: string, command: string, ...args: string[]): string {
  return run('ip', 'netns', 'exec', namespace, command, ...args);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: any) {
    return error.code === 'EPERM';
  }
}

/**
 * Root-namespace firewall rules that let the lab's traffic through whatever policy the machine has
 * (a DROP policy, Docker's FORWARD chain). br_netfilter is usually loaded, and then even frames
 * bridged between the two NATs pass the root namespace's iptables FORWARD chain.
 */
function firewallRules(bridge: string, tag: string): string[][] {
  const comment = ['-m', 'comment', '--comment', tag, '-j', 'ACCEPT'];
  return [
    ['INPUT', '-i', bridge, ...comment],
    ['OUTPUT', '-o', bridge, ...comment],
    ['FORWARD', '-i', bridge, '-o', bridge, ...comment],
  ];
}

/** Removes namespaces, links and firewall rules that runs which no longer exist left behind. */
function removeStaleLabs(): void {
  const stale = (name: string) => {
    const match = name.match(new RegExp(`^${PREFIX}(\\d+)`));
    return match !== null && Number(match[1]) !== process.pid && !alive(Number(match[1]));
  };
  for (const line of run('ip', 'netns', 'list').split('\n')) {
    const name = line.split(' ')[0];
    if (name && stale(name)) attempt('ip', 'netns', 'delete', name);
  }
  for (const line of run('ip', '-o', 'link', 'show').split('\n')) {
    const name = line.split(':')[1]?.trim().split('@')[0];
    if (name && stale(name)) attempt('ip', 'link', 'delete', name);
  }
  for (const line of run('iptables', '-w', '-S').split('\n')) {
    const match = line.match(new RegExp(`^-A (.*--comment "?${RULE_TAG}(\\d+)"?.*)$`));
    // Our rules hold no quoted spaces, so the listed words are the words to delete them by.
    if (match && !alive(Number(match[2]))) {
      attempt('iptables', '-w', '-D', ...match[1].replaceAll('"', '').split(' '));
    }
  }
}

/** The lab: two home networks behind symmetric NATs, and `remove()` to take it all down. */
export type NatLab = { a: Lan; b: Lan; remove: () => void };

/** Builds the lab. If any step fails, whatever was built is removed before the error is thrown. */
export function createNatLab(): NatLab {
  removeStaleLabs();
  const id = `${PREFIX}${process.pid}`;
  const bridge = `${id}br`;
  const tag = `${RULE_TAG}${process.pid}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-nat-'));
  const namespaces: string[] = [];
  const rules = firewallRules(bridge, tag);
  const remove = () => {
    for (const rule of rules) attempt('iptables', '-w', '-D', ...rule);
    // A namespace's interfaces go away some time after the namespace is deleted: delete the
    // root ends of the veth pairs (and with them the other ends) now.
    for (const side of ['a', 'b']) attempt('ip', 'link', 'delete', `${id}${side}0`);
    attempt('ip', 'link', 'delete', bridge);
    for (const namespace of namespaces) attempt('ip', 'netns', 'delete', namespace);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('ip', 'link', 'add', bridge, 'type', 'bridge');
    run('ip', 'addr', 'add', `${PUBLIC_IP}/24`, 'dev', bridge);
    run('ip', 'link', 'set', bridge, 'up');
    for (const rule of rules) run('iptables', '-w', '-I', ...rule);
    const lan = (side: 'a' | 'b', octet: number): Lan => {
      const nat = `${id}-nat-${side}`;
      const home = `${id}-lan-${side}`;
      namespaces.push(nat, home);
      const [uplink, wan, gateway, host] = [0, 1, 2, 3].map((n) => `${id}${side}${n}`);
      const publicIp = `10.77.0.${octet}`;
      const gatewayIp = `192.168.${octet - 1}.1`;
      const hostIp = `192.168.${octet - 1}.2`;
      run('ip', 'netns', 'add', nat);
      run('ip', 'netns', 'add', home);
      // No IPv6 at home: a link-local address finishing duplicate address detection a moment
      // after the browser starts is a network change to Chromium, which aborts its page loads
      // (net::ERR_NETWORK_CHANGED). `default` covers the veth end moved in below.
      inNamespace(home, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
      inNamespace(home, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1');
      // The NAT's public side, plugged into the bridge.
      run('ip', 'link', 'add', uplink, 'type', 'veth', 'peer', 'name', wan, 'netns', nat);
      run('ip', 'link', 'set', uplink, 'master', bridge, 'up');
      run('ip', '-n', nat, 'addr', 'add', `${publicIp}/24`, 'dev', wan);
      run('ip', '-n', nat, 'link', 'set', wan, 'up');
      run('ip', '-n', nat, 'link', 'set', 'lo', 'up');
      // The home network between the NAT and the browser's machine.
      run('ip', '-n', nat, 'link', 'add', gateway, 'type', 'veth', 'peer', 'name', host, 'netns', home);
      run('ip', '-n', nat, 'addr', 'add', `${gatewayIp}/24`, 'dev', gateway);
      run('ip', '-n', nat, 'link', 'set', gateway, 'up');
      run('ip', '-n', home, 'addr', 'add', `${hostIp}/24`, 'dev', host);
      run('ip', '-n', home, 'link', 'set', host, 'up');
      run('ip', '-n', home, 'link', 'set', 'lo', 'up');
      run('ip', '-n', home, 'route', 'add', 'default', 'via', gatewayIp);
      inNamespace(nat, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
      const masquerade = ['-o', wan, '-j', 'MASQUERADE', '--random-fully'];
      inNamespace(nat, 'iptables', '-w', '-t', 'nat', '-A', 'POSTROUTING', ...masquerade);
      // Chromium is started by Playwright through this script, inside the home network.
      const wrapper = path.join(dir, `chromium-${side}`);
      const browser = process.env.CONFAB_CHROMIUM ?? '/usr/bin/chromium';
      fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${home} ${browser} "$@"\n`, { mode: 0o755 });
      return { namespace: home, natNamespace: nat, publicIp, hostIp, chromium: wrapper };
    };
    return { a: lan('a', 2), b: lan('b', 3), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Starts a headless Chromium inside a home network, with the usual test flags. */
export function launchIn(lan: Lan): Promise<Browser> {
  return chromium.launch({
    executablePath: lan.chromium,
    args: [...chromiumArgs, '--use-fake-ui-for-media-stream'],
  });
}

/** Whether a STUN Binding request to host:port over UDP gets an answer within a second. */
export function stunAnswers(host: string, port: number): Promise<boolean> {
  // 20-byte header: Binding request, no attributes, the magic cookie, a random transaction id.
  const header = Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
  const request = Buffer.concat([header, crypto.randomBytes(12)]);
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    let finished = false;
    const done = (answered: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), 1000);
    socket.on('message', (answer) => done(answer.subarray(8, 20).equals(request.subarray(8, 20))));
    socket.on('error', () => done(false));
    socket.send(request, port, host);
  });
}

/**
 * Starts coturn as a plain STUN server (no relay) on host:port and waits until it answers.
 * `stop()` ends it.
 */
export async function startStunServer(host: string, port: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-stun-'));
  const child: ChildProcess = spawn(
    'turnserver',
    // -n: no configuration file; the pid file goes to our directory instead of /var/run.
    ['-n', '--stun-only', '--listening-ip', host, '--listening-port', String(port), '--no-cli',
      '--no-tls', '--no-dtls', '--log-file', 'stdout', '--simple-log',
      '--pidfile', path.join(dir, 'turnserver.pid')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await stunAnswers(host, port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`coturn did not answer STUN on ${host}:${port}:\n${log}`);
    }
  }
  return { log: () => log, stop };
}
