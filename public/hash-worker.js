// Confab's file hashing off the page's main thread: the SHA-256 of one file being sent or
// received, by confab_hash.wasm (the confab-hash crate, no imports) in a Web Worker. One worker
// per file; it ends itself after the digest.
//
// Messages to it, in this order:
//   { type: 'start', module }     a WebAssembly.Module of confab_hash.wasm (the page compiles it
//                                 once and every worker instantiates it); answered by 'ready'
//   { type: 'bytes', bytes }      the file's next bytes, an ArrayBuffer or a typed array (copied
//                                 or transferred: the worker keeps no reference after hashing)
//   { type: 'finish' }            every byte has been given
// Messages from it:
//   { type: 'ready' }             it can hash//   { type: 'hashed', bytes }     how many bytes it has hashed in all, each time that passes a
//                                 multiple of REPORT_BYTES (the page uses it to keep a bounded
//                                 amount waiting here)
//   { type: 'digest', sha256 }    the lowercase hex SHA-256 of every byte given; the worker ends
//   { type: 'error', reason }     it cannot hash (the page then hashes itself, or fails the file)

const REPORT_BYTES = 4 * 1024 * 1024;

let exports = null;
let hasher = 0;
let capacity = 0;
let hashed = 0;

function fail(reason) {
  postMessage({ type: 'error', reason: String(reason) });
  close();
}

function start(module) {
  exports = new WebAssembly.Instance(module, {}).exports;
  hasher = exports.hash_new();
  capacity = exports.hash_input_bytes();
  postMessage({ type: 'ready' });
}

function hash(data) {
  const bytes = ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
  for (let at = 0; at < bytes.length; at += capacity) {
    const piece = bytes.subarray(at, Math.min(at + capacity, bytes.length));
    // A fresh view each time: the memory's buffer is replaced if it ever grows.
    new Uint8Array(exports.memory.buffer, exports.hash_input(hasher), piece.length).set(piece);
    exports.hash_update(hasher, piece.length);
  }
  const before = hashed;
  hashed += bytes.length;
  if (Math.floor(hashed / REPORT_BYTES) > Math.floor(before / REPORT_BYTES)) {
    postMessage({ type: 'hashed', bytes: hashed });
  }
}

function finish() {
  const digest = new Uint8Array(exports.memory.buffer, exports.hash_finish(hasher), 32);
  const sha256 = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  exports.hash_free(hasher);
  postMessage({ type: 'digest', sha256 });
  close();
}

onmessage = ({ data }) => {
  try {
    if (data.type === 'start') start(data.module);
    else if (!exports) fail('not started');
    else if (data.type === 'bytes') hash(data.bytes);
    else if (data.type === 'finish') finish();
  } catch (error) {
    fail(error);
  }
};
