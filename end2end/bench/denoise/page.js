// The browser half of the noise-suppression benchmark (end2end/bench/denoise.mjs): the
// microphone through the denoising worklet into an AnalyserNode, and the level that comes out.
// The script calls these through `window.bench`.

let context = null;
let stream = null;
let node = null;
let analyser = null;
/** Resolves the next 'stats' reply from the worklet. */
let onStats = null;

/**
 * Opens the microphone with `constraints` (getUserMedia's `audio`), builds microphone ->
 * confab-denoise -> analyser at `sampleRate`, and resolves with the worklet's 'ready' message,
 * the track's settings and the context's rate; rejects with the worklet's error.
 * `asModule` hands the worklet a compiled WebAssembly.Module instead of the bytes.
 */
export async function start({ constraints = true, sampleRate = 48000, asModule = false } = {}) {
  context = new AudioContext({ sampleRate });
  await context.audioWorklet.addModule('/denoise-worklet.js');
  const bytes = await (await fetch('/confab_denoise.wasm')).arrayBuffer();
  const wasm = asModule ? await WebAssembly.compile(bytes) : bytes;
  stream = await navigator.mediaDevices.getUserMedia({ audio: constraints });
  const source = context.createMediaStreamSource(stream);
  node = new AudioWorkletNode(context, 'confab-denoise', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: 1,
    channelCountMode: 'explicit',
    processorOptions: { wasm },
  });
  const ready = new Promise((resolve, reject) => {
    node.port.onmessage = ({ data }) => {
      if (data.type === 'ready') resolve(data);
      else if (data.type === 'error') reject(new Error(data.reason));
      else if (data.type === 'stats') onStats?.(data);
    };
  });
  analyser = context.createAnalyser();
  analyser.fftSize = 32768;
  // The graph only runs when something pulls it: the analyser feeds a silent gain.
  const silent = context.createGain();
  silent.gain.value = 0;
  source.connect(node).connect(analyser).connect(silent).connect(context.destination);
  await context.resume();
  const message = await ready;
  return {
    ...message,
    sampleRate: context.sampleRate,
    settings: stream.getAudioTracks()[0].getSettings(),
  };
}

/** Turns the denoising off (`on` true) or back on. */
export function bypass(on) {
  node.port.postMessage({ type: 'bypass', on });
}

/** The worklet's counters. */
export function stats() {
  return new Promise((resolve) => {
    onStats = resolve;
    node.port.postMessage({ type: 'stats' });
  });
}

/** The mean level coming out over the next `ms` milliseconds, in dBFS (back-to-back windows). */
export async function level(ms) {
  const samples = new Float32Array(analyser.fftSize);
  const window = (analyser.fftSize / context.sampleRate) * 1000;
  let sum = 0;
  let count = 0;
  for (let waited = 0; waited + window <= ms; waited += window) {
    await new Promise((resolve) => setTimeout(resolve, window));
    analyser.getFloatTimeDomainData(samples);
    for (const s of samples) sum += s * s;
    count += samples.length;
  }
  return 10 * Math.log10(sum / count);
}

/** Waits `ms` milliseconds. */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ends everything `start` made. */
export async function stop() {
  node?.port.postMessage({ type: 'close' });
  stream?.getTracks().forEach((track) => track.stop());
  await context?.close();
  context = stream = node = analyser = null;
}
