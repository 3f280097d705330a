// Confab's noise suppression: RNNoise (the confab-denoise crate, compiled to WebAssembly) on a
// mono microphone track, as an AudioWorkletProcessor named 'confab-denoise'.
//
// Creating it (the page loads this file with audioContext.audioWorklet.addModule first):
//   new AudioWorkletNode(context, 'confab-denoise', {
//     numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1],
//     channelCount: 1, channelCountMode: 'explicit',
//     processorOptions: { wasm },   // a WebAssembly.Module of confab_denoise.wasm, or its bytes
//   });
// The module arrives in processorOptions because a worklet's scope has no fetch. Both forms clone
// into the worklet in Chromium 156 and Firefox 153 ESR (end2end/bench/denoise.mjs and
// denoise-firefox.mjs check each). The page should compile once (WebAssembly.compileStreaming)
// and pass the Module: the audio thread then only instantiates it, and a new node for another
// microphone reuses it. Bytes (an ArrayBuffer, copied) are compiled here, asynchronously, while
// the audio passes through. The module has no imports.
//
// Messages on node.port:
//   to it:   { type: 'bypass', on: true|false }  listen to the microphone as it is, or denoised
//            { type: 'stats' }                    ask for { type: 'stats', frames, voice, bypass }
//            { type: 'close' }                    free the denoiser; the processor then ends
//   from it: { type: 'ready', latency }           denoising (latency: samples added, at 48 kHz)
//            { type: 'error', reason }            it passes the audio through unchanged, and why
//
// Timing: RNNoise takes frames of 480 samples (10 ms at 48 kHz) and Web Audio hands over 128 at
// a time, so the output starts 448 samples behind (480 minus the greatest common divisor of the
// two), and RNNoise's own overlap adds one frame: 928 samples, 19.3 ms. Bypassing keeps that
// delay (the dry signal goes through the same buffers) and fades over one frame, so switching
// never clicks; RNNoise keeps running meanwhile, so switching back needs no new settling. To
// spend nothing at all, disconnect the node instead.
//
// Until the module is ready, and after any error, the audio passes straight through.

const FRAME = 480;
const SAMPLE_RATE = 48000;
// The output ring holds the prefill, a frame and a render quantum with room to spare.
const RING = 4096;

function gcd(a, b) {
  while (b) [a, b] = [b, a % b];
  return a;
}

class DenoiseProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    /** The module's exports once instantiated, else null. */
    this.exports = null;
    /** The denoiser's address in the module's memory. */
    this.denoiser = 0;
    /** The memory's buffer the views below were made on (it changes if memory grows). */
    this.buffer = null;
    /** The denoiser's input and output frames, as views on its memory. */
    this.input = null;
    this.output = null;
    /** Samples written into the input frame so far. */
    this.filled = 0;
    /** The input frame before the current one: the dry signal, as late as RNNoise's output. */
    this.dry = new Float32Array(FRAME);
    /** Whether the ring holds its initial silence yet (queued on the first quantum). */
    this.primed = false;
    /** Processed samples waiting to go out, and where reading and writing are. */
    this.ring = new Float32Array(RING);
    this.read = 0;
    this.write = 0;
    /** 1 when denoised audio goes out, 0 when bypassed; `mix` follows `target` over a frame. */
    this.target = 1;
    this.mix = 1;
    /** Frames processed, and the last one's voice probability. */
    this.frames = 0;
    this.voice = 0;
    /** Set by 'close'; the processor then ends. */
    this.closed = false;

    this.port.onmessage = (event) => this.onMessage(event.data);
    if (sampleRate !== SAMPLE_RATE) {
      this.fail(`the audio runs at ${sampleRate} Hz; RNNoise needs ${SAMPLE_RATE} Hz`);
      return;
    }
    const wasm = options?.processorOptions?.wasm;
    if (!wasm) {
      this.fail('no WebAssembly module in processorOptions.wasm');
      return;
    }
    WebAssembly.instantiate(wasm, {})
      .then((result) => this.start(result.instance ?? result))
      .catch((error) => this.fail(`the module did not load: ${error}`));
  }

  /** Sets up the denoiser once the module is instantiated. */
  start(instance) {
    if (this.closed) return;
    try {
      const exports = instance.exports;
      if (exports.denoise_frame_size() !== FRAME) throw new Error('the module frames differ');
      this.denoiser = exports.denoise_new();
      this.exports = exports;
      this.views();
      this.port.postMessage({ type: 'ready', latency: this.latency(128) });
    } catch (error) {
      this.fail(`the denoiser did not start: ${error}`);
    }
  }

  /** Samples of delay for render quanta of `quantum` samples: the framing plus RNNoise's frame. */
  latency(quantum) {
    return FRAME - gcd(FRAME, quantum) + FRAME;
  }

  /** (Re)makes the views on the module's memory when its buffer changed. */
  views() {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.input = new Float32Array(buffer, this.exports.denoise_input(this.denoiser), FRAME);
    this.output = new Float32Array(buffer, this.exports.denoise_output(this.denoiser), FRAME);
  }

  onMessage(message) {
    switch (message?.type) {
      case 'bypass':
        this.target = message.on ? 0 : 1;
        break;
      case 'stats':
        this.port.postMessage({
          type: 'stats',
          frames: this.frames,
          voice: this.voice,
          bypass: this.target === 0,
        });
        break;
      case 'close':
        this.closed = true;
        this.free();
        break;
    }
  }

  /** Gives up denoising: the audio passes through from now on. */
  fail(reason) {
    this.free();
    this.port.postMessage({ type: 'error', reason });
  }

  free() {
    if (this.exports && this.denoiser) this.exports.denoise_free(this.denoiser);
    this.exports = null;
    this.denoiser = 0;
  }

  /** Denoises the full input frame and queues the result (mixed with the dry frame). */
  frame() {
    this.voice = this.exports.denoise_process(this.denoiser);
    this.views();
    this.frames++;
    const step = 1 / FRAME;
    for (let i = 0; i < FRAME; i++) {
      if (this.mix !== this.target) {
        this.mix = this.target > this.mix ? Math.min(1, this.mix + step) : Math.max(0, this.mix - step);
      }
      const wet = this.output[i];
      this.ring[this.write] = this.mix === 1 ? wet : this.mix * wet + (1 - this.mix) * this.dry[i];
      this.write = (this.write + 1) % RING;
    }
    // This frame's input comes out of RNNoise on the next call.
    this.dry.set(this.input);
  }

  process(inputs, outputs) {
    if (this.closed) return false;
    const out = outputs[0][0];
    const source = inputs[0][0]; // undefined while nothing is connected: silence
    if (!this.exports) {
      if (source) out.set(source);
      else out.fill(0);
      return true;
    }
    const n = out.length;
    if (!this.primed) {
      // Queue the silence that keeps the ring from running dry between frames.
      this.primed = true;
      this.write = FRAME - gcd(FRAME, n);
    }
    try {
      for (let i = 0; i < n; ) {
        const take = Math.min(n - i, FRAME - this.filled);
        if (source) this.input.set(source.subarray(i, i + take), this.filled);
        else this.input.fill(0, this.filled, this.filled + take);
        this.filled += take;
        i += take;
        if (this.filled === FRAME) {
          this.frame();
          this.filled = 0;
        }
      }
    } catch (error) {
      this.fail(`the denoiser stopped: ${error}`);
      if (source) out.set(source);
      return true;
    }
    for (let i = 0; i < n; i++) {
      out[i] = this.ring[this.read];
      this.read = (this.read + 1) % RING;
    }
    return true;
  }
}

registerProcessor('confab-denoise', DenoiseProcessor);
