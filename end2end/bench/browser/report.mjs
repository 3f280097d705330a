// The browser benchmark's table: every figure with its median, p90, min and max.
import * as path from 'node:path';
import { quantile, root } from '../common.mjs';
import { STAGES } from './call.mjs';
import { KIB, WASM_GZIP_BUDGET } from './size.mjs';

const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-').padStart(8);
const bytes = (x) => x.toLocaleString('en').padStart(11);

/** Prints the result `r` of a run that measured the bundle in `pkg`. */
export function printTable(r, pkg) {
  const m = r.machine;
  const out = (line = '') => console.log(line);
  out(`Confab browser benchmark, ${m.date}`);
  out(`machine: ${m.nproc} CPUs (nproc), ${m.cpu}, ${m.memory_gib} GiB; CPU ${(m.cpu_busy_before * 100).toFixed(0)}% busy just before the run; ` +
    `load average ${m.load_average_at_start.toFixed(2)} at start, ${m.load_average_at_end.toFixed(2)} at end`);
  out(`browser: Chromium ${r.chromium} headless, fake camera and microphone; server: ${r.server} on loopback`);
  out(`rounds: ${r.rounds} per figure (after one uncounted warm-up); times in ms`);
  if (r.retried.length) out(`retried after a page failure: ${r.retried.join('; ')}`);
  if (r.server_panics) out(`WARNING: the server panicked ${r.server_panics} time(s) during the run (its messages are on stderr)`);
  // Only the CPU use before the run says something about others (the run itself loads the
  // machine, and the load average still remembers the last minute).
  if (m.cpu_busy_before > 0.25) {
    out(`WARNING: something else was using the CPUs when the run started: the times below are inflated and noisy`);
  }

  const size = r.size;
  out(`\n${`1. Download size (${path.relative(root, pkg)})`.padEnd(38)} ${'raw bytes'.padStart(11)}   ${'gzip -9'.padStart(11)}`);
  for (const [name, f] of Object.entries(size.files)) out(`   ${name.padEnd(34)} ${bytes(f.raw)}   ${bytes(f.gzip)}`);
  out(`   ${'total'.padEnd(34)} ${bytes(size.total.raw)}   ${bytes(size.total.gzip)}`);
  const wasmGzip = size.files['confab.wasm'].gzip;
  const verdict = wasmGzip <= WASM_GZIP_BUDGET ? 'within' : `OVER by ${((wasmGzip - WASM_GZIP_BUDGET) / KIB).toFixed(0)} KiB`;
  out(`   budget: confab.wasm gzip <= ${WASM_GZIP_BUDGET / KIB} KiB: ${(wasmGzip / KIB).toFixed(0)} KiB, ${verdict}`);
  const sections = Object.entries(size.wasm_sections).sort((x, y) => y[1] - x[1]).slice(0, 4);
  out(`   wasm sections: ${sections.map(([n, b]) => `${n} ${b.toLocaleString('en')}`).join(', ')}`);
  const meeting = r.navigation.meeting;
  out(`   the browser transferred ${meeting.transferred_bytes.toLocaleString('en')} bytes for a meeting link, ${meeting.wasm_served_bytes.toLocaleString('en')} of them confab.wasm (precompressed, in the best encoding the browser accepts)`);
  if (meeting.wasm_decoded_bytes !== size.files['confab.wasm'].raw) {
    out(`   WARNING: the server served a ${meeting.wasm_decoded_bytes.toLocaleString('en')} byte confab.wasm, not the one measured above (rebuilt meanwhile?)`);
  }

  const header = (title) => out(`${title.padEnd(50)}  median      p90      min      max`);
  const row = (label, s, extra = '') => out(`   ${label.padEnd(47)}${ms(s.median)} ${ms(s.p90)} ${ms(s.min)} ${ms(s.max)}${extra}`);
  out('\n2. Navigation, fresh context (empty cache); ms after navigation start');
  for (const [name, title] of [['home', 'home page /'], ['meeting', 'meeting link /room/<id>']]) {
    const n = r.navigation[name];
    header(`   ${title}`);
    row('response start (first byte)', n.response_start);
    row('response end', n.response_end);
    row('DOMContentLoaded', n.dom_content_loaded);
    row('confab.wasm downloaded', n.wasm_downloaded);
    row('load', n.load);
    row('hydrated (data-hydrated set)', n.hydrated);
  }

  const c = r.call;
  out('\n3. Call set-up: Bob clicks Join -> first remote video frame on screen; ms after the click');
  header('');
  row('Ada sees Bob', c.a_sees_b);
  row('Bob sees Ada', c.b_sees_a);
  row('call set-up (both see each other)', c.setup, `   aim <= ${c.aim_ms}`);
  const late = (x, i) => (x.check.sides[i].late ? '*' : '');
  out(`   per round (A sees B / B sees A): ${c.runs.map((x) => `${x.a_sees_b.toFixed(0)}${late(x, 0)}/${x.b_sees_a.toFixed(0)}${late(x, 1)}`).join('  ')}`);
  const pairs = [...new Set(c.runs.map((x) => x.pair))];
  out(`   candidate pair used: ${pairs.join('; ')}`);
  const video = c.runs.flatMap((x) => [x.video.a, x.video.b]);
  const encoders = [...new Set(video.map((v) => v.sent?.encoder))].join(', ');
  const frameSize = [...new Set(c.runs.flatMap((x) => [x.frames.a, x.frames.b]).map((f) => `${f.width}x${f.height}`))].join(', ');
  const keyframes = Math.max(...video.map((v) => v.sent?.keyframes ?? 0));
  const plis = video.reduce((sum, v) => sum + (v.received?.plis ?? 0), 0);
  out(`   first frames ${frameSize}, encoder ${encoders}; keyframes sent per side by then: at most ${keyframes}; keyframe requests (PLI): ${plis}`);
  // What stands between a connected transport and the first frame: the camera's next frame, its
  // encoding, and the pacer (medians over both sides of every round).
  const median = (f) => quantile(video.map(f), 0.5);
  const cameras = [...new Set(video.map((v) => v.camera_fps))].join(', ');
  out(
    `   sending by then: ${median((v) => v.sent?.frames).toFixed(0)} frames, ${median((v) => v.sent?.bytes).toFixed(0)} bytes in ` +
      `${median((v) => v.sent?.packets).toFixed(0)} packets; encoding ${median((v) => v.sent?.encode_ms_per_frame).toFixed(1)} ms per frame, ` +
      `pacer ${median((v) => v.sent?.pacer_ms_per_packet).toFixed(1)} ms per packet; camera ${cameras} frames/s`,
  );
  // The frame callback against a plain 4 ms poll of videoWidth in the same page: the first frame
  // must have arrived before the poll saw a size. videoWidth is set as the frame reaches the
  // player, just before it is composited, so the poll may see it a little before presentationTime.
  const sides = c.runs.flatMap((x) => x.check.sides);
  const first = sides.filter((x) => !x.late);
  const range = (key) => `${quantile(first.map((x) => x[key]), 0).toFixed(1)} to ${quantile(first.map((x) => x[key]), 1).toFixed(1)}`;
  const skews = c.runs.map((x) => Math.abs(x.check.clock_skew));
  const after = c.runs.every((x) => x.a_sees_b > 0 && x.b_sees_a > 0);
  const beforePoll = first.every((x) => x.poll_minus_received >= 0);
  out(`   check: every frame after the click: ${after ? 'yes' : 'NO'}; clock skew between the two pages <= ${quantile(skews, 1).toFixed(2)} ms`);
  out(`          ${first.length} of ${sides.length} first callbacks saw the first frame; each arrived before a 4 ms videoWidth poll saw a size: ` +
    `${beforePoll ? 'yes' : 'NO'} (poll - received ${range('poll_minus_received')}, poll - on screen ${range('poll_minus_presented')} ms)`);
  if (first.length < sides.length) {
    out(`          * the page ran its first callback only after a later frame: that figure is late by up to a frame (~33 ms)`);
  }
  const fetchedOver = [...new Set(c.runs.map((x) => x.ice_config_protocol).filter(Boolean))];
  out(
    fetchedOver.length
      ? `   ICE configuration fetched over ${fetchedOver.join(', ')}`
      : '   ICE configuration came with the welcome (no request)',
  );
  out('\n   where the time goes (A: Ada, in the call; B: Bob, joining)');
  header('');
  for (const [key, label] of STAGES) if (c.stages[key]) row(label, c.stages[key]);
}
