// 1. Download size of the release bundle, raw and gzip -9, and what its WASM is made of.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const KIB = 1024;
/** Budget for the gzipped WASM. */
export const WASM_GZIP_BUDGET = 200 * KIB;

/** Byte sizes of one WASM module's sections (code, data, ...), to see what the bytes are. */
function wasmSections(buffer) {
  const names = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'];
  const sections = {};
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = buffer[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return value;
    }
  };
  while (at < buffer.length) {
    const name = names[buffer[at++]] ?? 'unknown';
    const size = leb();
    sections[name] = (sections[name] ?? 0) + size;
    at += size;
  }
  return sections;
}

/** Sizes of the bundle's files in `pkg`. */
export function downloadSize(pkg) {
  const files = {};
  // The page's files, then the chunks it loads later (the call's code) and their loader.
  const later = fs.readdirSync(pkg).filter((name) => /^(split_.*\.wasm|__wasm_split\..*\.js)$/.test(name));
  for (const name of ['confab.wasm', 'confab.js', 'confab.css', ...later]) {
    const file = path.join(pkg, name);
    // gzip itself, not node's zlib: its -9 output is the figure people quote (zlib's is ~1% larger).
    const gzip = execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 1 << 30 }).length;
    files[name] = { raw: fs.statSync(file).size, gzip };
  }
  const total = {
    raw: Object.values(files).reduce((sum, f) => sum + f.raw, 0),
    gzip: Object.values(files).reduce((sum, f) => sum + f.gzip, 0),
  };
  const sections = wasmSections(fs.readFileSync(path.join(pkg, 'confab.wasm')));
  return { files, total, wasm_sections: sections, wasm_gzip_budget: WASM_GZIP_BUDGET };
}
