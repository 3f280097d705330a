// Confab as a self-hoster deploys it: the release binary copied alone to a folder, behind nginx,
// and the Debian package.
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { confabBinary, startConfab } from '../server';
import { allTogether, expect, expectVideoPlaying, hangUp, join, startMeeting, test } from './support';

const root = path.resolve(__dirname, '..', '..');
const port = (offset: number) => Number(process.env.CONFAB_E2E_PORT ?? 3443) + offset;

test('the binary copied alone to an empty folder serves the app', async ({ person, request }) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-alone-'));
  const binary = path.join(folder, 'confab');
  fs.copyFileSync(path.resolve(root, confabBinary), binary);
  fs.chmodSync(binary, 0o755);
  const server = await startConfab({ port: port(20), dataDir: path.join(folder, 'data'), binary, cwd: folder });
  try {
    expect(fs.readdirSync(folder).sort()).toEqual(['confab', 'data']);
    const health = await request.get(`${server.url}/healthz`, { ignoreHTTPSErrors: true });
    expect(await health.text()).toBe('ok');
    const wasm = await request.get(`${server.url}/pkg/confab.wasm`, {
      ignoreHTTPSErrors: true,
      headers: { 'accept-encoding': 'br' },
    });
    expect(wasm.headers()['content-type']).toBe('application/wasm');
    expect(wasm.headers()['content-encoding']).toBe('br');
    const plain = await request.get(`${server.url}/pkg/confab.wasm`, {
      ignoreHTTPSErrors: true,
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers()['content-encoding']).toBeUndefined();
    expect((await plain.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d]));
    // An unchanged file costs an empty 304.
    const again = await request.get(`${server.url}/pkg/confab.wasm`, {
      ignoreHTTPSErrors: true,
      headers: { 'accept-encoding': 'br', 'if-none-match': wasm.headers()['etag'] },
    });
    expect(again.status()).toBe(304);
    // The page loads its code and works.
    const page = await person();
    await startMeeting(page, server.url);
    await hangUp(page);
  } finally {
    await server.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('a call through nginx in front of --behind-proxy', async ({ person }) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-nginx-'));
  const backend = port(21);
  const front = port(22);
  // The README's nginx snippet, with a certificate of its own.
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-keyout', path.join(folder, 'key.pem'), '-out', path.join(folder, 'cert.pem'),
  ], { stdio: 'ignore' });
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const snippet = readme.match(/```nginx\n([\s\S]*?)```/);
  expect(snippet, 'the README has an nginx snippet').not.toBeNull();
  const site = snippet![1]
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${front} ssl http2;`)
    .replace(/ *listen \[::\]:443 ssl http2;\n/, '')
    .replace(/server_name [^;]+;/, 'server_name localhost;')
    .replace(/ssl_certificate [^;]+;/, `ssl_certificate ${folder}/cert.pem;`)
    .replace(/ssl_certificate_key [^;]+;/, `ssl_certificate_key ${folder}/key.pem;`)
    .replace(/127\.0\.0\.1:3000/, `127.0.0.1:${backend}`);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `${t}_temp_path ${folder}/${t};`)
    .join('\n');
  fs.writeFileSync(
    path.join(folder, 'nginx.conf'),
    `worker_processes 1;\npid ${folder}/nginx.pid;\nerror_log ${folder}/error.log;\nevents {}\nhttp {\naccess_log off;\n${temp}\n${site}\n}\n`,
  );
  const server = await startConfab({ port: backend, dataDir: path.join(folder, 'data'), args: ['--behind-proxy'] });
  const nginx = spawn('nginx', ['-e', `${folder}/error.log`, '-c', `${folder}/nginx.conf`, '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  try {
    const base = `https://localhost:${front}`;
    const ann = await person();
    const bob = await person();
    const link = await startMeeting(ann, base);
    await join(ann, link, 'Ann');
    await join(bob, link, 'Bob');
    await allTogether([ann, bob]);
    await expectVideoPlaying(ann, 'Bob');
    await expectVideoPlaying(bob, 'Ann');
    // Confab saw the browsers' address as nginx forwarded it.
    expect(server.log()).toMatch(/peer joined.*source=127\.0\.0\.1/);
    await hangUp(ann, bob);
  } finally {
    nginx.kill();
    await server.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('a call through Caddy in front of --behind-proxy', async ({ person }) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-caddy-'));
  const backend = port(23);
  const front = port(24);
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const snippet = readme.match(/```caddyfile\n([\s\S]*?)```/);
  expect(snippet, 'the README has a Caddyfile snippet').not.toBeNull();
  // Caddy's own certificate authority instead of Let's Encrypt (no internet here).
  const site = snippet![1]
    .replace(/meet\.example\.org \{/, `{\n  admin off\n  skip_install_trust\n}\nhttps://localhost:${front} {\n    bind 127.0.0.1\n    tls internal`)
    .replace(/127\.0\.0\.1:3000/, `127.0.0.1:${backend}`);
  fs.writeFileSync(path.join(folder, 'Caddyfile'), site);
  const server = await startConfab({ port: backend, dataDir: path.join(folder, 'data'), args: ['--behind-proxy'] });
  const caddy = spawn('caddy', ['run', '--config', path.join(folder, 'Caddyfile'), '--adapter', 'caddyfile'], {
    stdio: 'ignore',
    env: { ...process.env, HOME: folder, XDG_DATA_HOME: folder, XDG_CONFIG_HOME: folder },
  });
  try {
    // Caddy listens on IPv4 only, so the browser reaches it (and it forwards for) 127.0.0.1.
    const base = `https://localhost:${front}`;
    const ann = await person();
    const bob = await person();
    await expect.poll(async () => {
      try {
        return (await ann.request.get(`${base}/healthz`)).status();
      } catch {
        return 0;
      }
    }, { timeout: 20_000 }).toBe(200);
    const link = await startMeeting(ann, base);
    await join(ann, link, 'Ann');
    await join(bob, link, 'Bob');
    await allTogether([ann, bob]);
    await expectVideoPlaying(ann, 'Bob');
    await expectVideoPlaying(bob, 'Ann');
    expect(server.log()).toMatch(/peer joined.*source=127\.0\.0\.1/);
    // The people hang up before the proxy goes: a proxy that stops closes their sockets itself,
    // and the server's own close then reaches the browsers too late.
    await hangUp(ann, bob);
  } finally {
    caddy.kill();
    await server.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('the Debian package holds the binary, the service and the settings, and systemd accepts the unit', async () => {
  const dir = path.join(root, 'target', 'debian');
  const deb = fs.readdirSync(dir).find((f) => /^confab_.*\.deb$/.test(f));
  expect(deb, 'a .deb in target/debian (bash scripts/package.sh)').toBeTruthy();
  const file = path.join(dir, deb!);
  const info = execFileSync('dpkg-deb', ['--info', file], { encoding: 'utf8' });
  expect(info).toMatch(/Package: confab/);
  expect(info).toMatch(/conffiles/);
  const contents = execFileSync('dpkg-deb', ['--contents', file], { encoding: 'utf8' });
  for (const entry of ['./usr/bin/confab', '/systemd/system/confab.service', './etc/confab/confab.toml']) {
    expect(contents).toContain(entry);
  }
  const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'confab-deb-'));
  try {
    execFileSync('dpkg-deb', ['-x', file, unpacked]);
    const unit = fs.readdirSync(unpacked, { recursive: true }).find((f) => String(f).endsWith('confab.service'));
    const text = fs.readFileSync(path.join(unpacked, String(unit)), 'utf8').replace('/usr/bin/confab', `${unpacked}/usr/bin/confab`);
    const local = path.join(unpacked, 'confab.service');
    fs.writeFileSync(local, text);
    execFileSync('systemd-analyze', ['verify', local], { stdio: 'pipe' });
    // The packaged binary carries the site too.
    const help = execFileSync(path.join(unpacked, 'usr/bin/confab'), ['--help'], { encoding: 'utf8' });
    expect(help).toContain('--acme-domain');
  } finally {
    fs.rmSync(unpacked, { recursive: true, force: true });
  }
});
