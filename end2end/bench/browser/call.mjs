// 3. Call set-up: Ada is in a call, Bob clicks Join; the time until both see each other's first
// video frame, and the time each step of the join took. The measurement itself (measureCall) takes
// the app's own steps as an argument, so ../setup-vs-guide.mjs times the guide's app the same way.
import { log, summary } from '../common.mjs';
import { attempt, newPage, startMeeting, until } from './pages.mjs';

/** The aim for call set-up. */
export const CALL_SETUP_AIM_MS = 120;
/** How long Bob sits in the lobby before clicking Join, as a person would (preview running). */
const LOBBY_SETTLE_MS = 1000;

/**
 * Init script for the call pages. Marks the wall time (timeOrigin + now, comparable across the
 * two pages) of the first occurrence of each step a join goes through, by wrapping the page's
 * WebSocket, fetch, getUserMedia and RTCPeerConnection (the app reaches them through the globals,
 * so it uses the wrappers without knowing). The first remote video frame is caught with
 * requestVideoFrameCallback on whichever <video> gets a stream holding a remote video track: when
 * the stream is assigned (Confab), or just after a remote track arrives, for an app that assigns
 * an empty stream first and adds the tracks to it later (the guide's app).
 * Marks are cleared when the benchmark arms the page, so only the measured join counts.
 */
const instrumentCall = () => {
  const now = () => performance.timeOrigin + performance.now();
  const bench = (window.__bench = { marks: {}, frame: null, remoteTracks: new Set() });
  const mark = (name, at = now()) => {
    bench.marks[name] ??= at;
  };
  bench.arm = () => {
    bench.marks = {};
    bench.frame = null;
    // Only a cross-check of the frame callback: a coarse upper bound on when a frame was there.
    clearInterval(bench.poll);
    bench.poll = setInterval(() => {
      for (const video of document.querySelectorAll('video')) {
        if (video.videoWidth > 0 && bench.isRemote(video.srcObject)) {
          mark('poll: videoWidth > 0');
          clearInterval(bench.poll);
        }
      }
    }, 4);
  };
  // A media element's resize fires when its first frame gives it a size (it does not bubble, so
  // listen in the capture phase).
  document.addEventListener('resize', ({ target }) => {
    if (target instanceof HTMLVideoElement && bench.isRemote(target.srcObject)) mark('video resize event');
  }, true);
  bench.isRemote = (stream) => !!stream?.getVideoTracks?.().some((t) => bench.remoteTracks.has(t.id));

  // Signaling: server messages by type, and negotiation signals by kind ("signal offer"). A
  // Socket.IO event (`42["offer",{...}]`, the guide's app) is named the same way by its name.
  const socketIoEvents = { offer: 'signal offer', answer: 'signal answer', 'ice-candidate': 'signal candidate' };
  const describe = (text) => {
    try {
      const event = /^4\d+(\[.*)$/s.exec(text);
      if (event) {
        const name = JSON.parse(event[1])[0];
        return socketIoEvents[name] ?? name;
      }
      const message = JSON.parse(text);
      const signal = message.signal;
      if (!signal) return message.type;
      return `signal ${signal.kind === 'description' ? signal.sdp_type : signal.kind}`;
    } catch {
      return 'unreadable';
    }
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...rest) {
      super(...rest);
      mark('websocket created');
      // Registered before the app's own onmessage, so it runs first: the arrival time.
      this.addEventListener('open', () => mark('websocket open'));
      this.addEventListener('message', (event) => mark(`received ${describe(event.data)}`));
    }
    send(data) {
      mark(`sent ${describe(data)}`);
      return super.send(data);
    }
  };

  // The ICE configuration comes with the welcome; a server that does not send it is asked through
  // a server function once it has welcomed us.
  const nativeFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = String(input?.url ?? input);
    const result = nativeFetch(input, init);
    if (url.includes('ice_config')) {
      mark('ICE config requested');
      result.then(() => mark('ICE config received'), () => {});
    }
    return result;
  };

  // The camera, for an app that opens it only on the click (Confab's lobby opens it before).
  const media = navigator.mediaDevices;
  const getUserMedia = media?.getUserMedia.bind(media);
  if (media) {
    media.getUserMedia = (...rest) => {
      mark('camera requested');
      return getUserMedia(...rest).then((stream) => {
        mark('camera open');
        return stream;
      });
    };
  }

  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super(config);
      bench.pc = this;
      mark('peer connection created');
      // Registered before the app's own onnegotiationneeded: when the browser asked, not when
      // the app got round to it.
      this.addEventListener('negotiationneeded', () => mark('negotiation needed'));
      this.addEventListener('icecandidate', ({ candidate }) => {
        if (candidate) mark(`first ${candidate.type} candidate`);
      });
      this.addEventListener('icegatheringstatechange', () => mark(`ICE gathering ${this.iceGatheringState}`));
      this.addEventListener('iceconnectionstatechange', () => mark(`ICE ${this.iceConnectionState}`));
      this.addEventListener('connectionstatechange', () => mark(`connection ${this.connectionState}`));
      this.addEventListener('track', ({ track }) => {
        bench.remoteTracks.add(track.id);
        mark(`${track.kind} track received`);
        // After the app's own handlers: a <video> whose stream now holds the track.
        setTimeout(() => document.querySelectorAll('video').forEach((v) => bench.isRemote(v.srcObject) && watch(v)));
      });
    }
    setLocalDescription(...rest) {
      mark(this.signalingState === 'have-remote-offer' ? 'making answer' : 'making offer');
      return super.setLocalDescription(...rest).then((value) => {
        mark(`local ${this.localDescription.type} set`);
        return value;
      });
    }
    setRemoteDescription(description, ...rest) {
      return super.setRemoteDescription(description, ...rest).then((value) => {
        mark(`remote ${description.type} set`);
        return value;
      });
    }
  };

  // Catches the first frame a <video> showing a remote stream puts on screen.
  const watched = new WeakSet();
  const watch = (video) => {
    if (watched.has(video)) return;
    watched.add(video);
    mark('remote video attached');
    video.requestVideoFrameCallback((callbackTime, frame) => {
      if (bench.frame) return;
      const wall = (t) => (t ? performance.timeOrigin + t : NaN);
      // presentationTime: when the frame went to the compositor; receiveTime: when its last
      // packet arrived from the network.
      bench.frame = {
        presented: wall(frame.presentationTime),
        expected_display: wall(frame.expectedDisplayTime),
        callback: wall(callbackTime),
        received: wall(frame.receiveTime),
        presented_frames: frame.presentedFrames,
        width: frame.width,
        height: frame.height,
      };
      mark('first remote frame received', bench.frame.received);
      mark('first remote frame presented', bench.frame.presented);
    });
  };
  // The app hands each remote stream to a <video> through srcObject: watch that assignment.
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...srcObject,
    set(stream) {
      srcObject.set.call(this, stream);
      if (this instanceof HTMLVideoElement && bench.isRemote(stream)) watch(this);
    },
  });
};

/**
 * Offset of this page's wall clock (timeOrigin + now) from Date.now(), averaged over 20 ms so
 * Date.now()'s millisecond steps average out; two pages' offsets differ by their clock skew.
 */
const clockOffset = (page) =>
  page.evaluate(() => {
    let sum = 0;
    let n = 0;
    const end = performance.now() + 20;
    while (performance.now() < end) {
      sum += performance.timeOrigin + performance.now() - Date.now();
      n++;
    }
    return sum / n;
  });

/** A person's page in the lobby of `link`, camera preview running, name typed. */
async function openLobby(page, link, name) {
  await page.goto(link);
  const join = page.getByRole('button', { name: 'Join', exact: true });
  await join.waitFor();
  for (let i = 0; i < 300 && !(await join.isEnabled()); i++) await page.waitForTimeout(50);
  if (!(await join.isEnabled())) throw new Error(`${name}: the lobby never became ready`);
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  return join;
}

/** The candidate pair the page's connection uses, e.g. "host udp 127.0.0.1 -> host udp 127.0.0.1". */
const selectedPair = (page) =>
  page.evaluate(async () => {
    const reports = new Map();
    (await window.__bench.pc.getStats()).forEach((r) => reports.set(r.id, r));
    const transport = [...reports.values()].find((r) => r.type === 'transport');
    const pair = reports.get(transport?.selectedCandidatePairId);
    if (!pair) return 'none';
    const describe = (c) => `${c.candidateType} ${c.protocol} ${c.address}`;
    return `${describe(reports.get(pair.localCandidateId))} -> ${describe(reports.get(pair.remoteCandidateId))}`;
  });

/**
 * The page's video counters right after the first frame: was a keyframe asked for again, and
 * what did sending cost (encoding, the pacer's hold on each packet), at what camera frame rate.
 */
const videoStats = (page) =>
  page.evaluate(async () => {
    const pc = window.__bench.pc;
    const camera = pc.getSenders().find((s) => s.track?.kind === 'video')?.track;
    const out = { camera_fps: camera?.getSettings().frameRate };
    (await pc.getStats()).forEach((r) => {
      if (r.kind !== 'video') return;
      if (r.type === 'outbound-rtp') {
        out.sent = {
          frames: r.framesEncoded,
          keyframes: r.keyFramesEncoded,
          plis: r.pliCount,
          firs: r.firCount,
          encoder: r.encoderImplementation,
          bytes: r.bytesSent,
          packets: r.packetsSent,
          encode_ms_per_frame: (r.totalEncodeTime * 1000) / r.framesEncoded,
          pacer_ms_per_packet: (r.totalPacketSendDelay * 1000) / r.packetsSent,
        };
      }
      if (r.type === 'inbound-rtp') {
        out.received = { frames: r.framesDecoded, keyframes: r.keyFramesDecoded, dropped: r.framesDropped, plis: r.pliCount, nacks: r.nackCount };
      }
    });
    return out;
  });

/**
 * Confab's steps for measureCall: Ada starts a meeting and joins it; Bob opens its link and waits
 * in the lobby, preview running, name typed; he clicks Join; both leave afterwards.
 */
export const confabCall = (url) => ({
  async open(ada, bob) {
    const link = await startMeeting(ada, url);
    await (await openLobby(ada, link, 'Ada')).click();
    await ada.getByRole('button', { name: 'Leave' }).waitFor();
    return openLobby(bob, link, 'Bob');
  },
  hangUp: (ada, bob) => Promise.all([ada, bob].map((p) => p.getByRole('button', { name: 'Leave' }).click())),
});

/**
 * One measured call set-up, in two fresh contexts: `app.open(ada, bob)` brings the pages to where
 * Bob is about to click and returns his button; after a settle the click is timed until both
 * pages have a first remote frame on screen; `app.hangUp(ada, bob)` ends the call, if it needs to.
 */
export async function measureCall(browser, app) {
  const context = async () => {
    const c = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] });
    await c.addInitScript(instrumentCall);
    return c;
  };
  const contexts = [await context(), await context()];
  try {
    const [ada, bob] = await Promise.all(contexts.map(newPage));
    const join = await app.open(ada, bob);
    await bob.waitForTimeout(LOBBY_SETTLE_MS);

    const skew = (await clockOffset(ada)) - (await clockOffset(bob));
    await Promise.all([ada, bob].map((p) => p.evaluate(() => window.__bench.arm())));
    // The click is dispatched inside Bob's page right after reading his clock, so t0 is the
    // click itself, not a Playwright round trip before it.
    const clicked = await join.evaluate((button) => {
      const t0 = performance.timeOrigin + performance.now();
      button.click();
      return t0;
    });
    const frame = (page) => until(page, () => window.__bench.frame && window.__bench.marks['poll: videoWidth > 0']);
    await Promise.all([frame(ada), frame(bob)]);
    const read = (page) =>
      page.evaluate(() => {
        const { marks, frame } = window.__bench;
        // The server function's own timing: when the request left and its first byte came back.
        const fetch = performance.getEntriesByType('resource').findLast((r) => r.name.includes('ice_config'));
        if (fetch && marks['ICE config requested']) {
          marks['ICE config request sent'] = performance.timeOrigin + fetch.requestStart;
          marks['ICE config first byte'] = performance.timeOrigin + fetch.responseStart;
        }
        return { marks, frame, protocol: fetch?.nextHopProtocol };
      });
    const [a, b] = [await read(ada), await read(bob)];
    const pair = await selectedPair(bob);
    const video = { a: await videoStats(ada), b: await videoStats(bob) };
    await app.hangUp?.(ada, bob);

    const since = (t) => t - clicked;
    const stages = {};
    for (const [who, side] of [['A', a], ['B', b]]) {
      for (const [name, at] of Object.entries(side.marks)) stages[`${who} ${name}`] = since(at);
    }
    return {
      a_sees_b: since(a.frame.presented),
      b_sees_a: since(b.frame.presented),
      setup: Math.max(since(a.frame.presented), since(b.frame.presented)),
      // Cross-checks of the frame callback against the 4 ms videoWidth poll, per side. A busy
      // page may run its first callback only after a second frame: `late`, and then the
      // metadata (so the figure) is that later frame's.
      check: {
        sides: [a, b].map(({ marks, frame }) => ({
          late: frame.presented_frames > 1,
          poll_minus_received: marks['poll: videoWidth > 0'] - frame.received,
          poll_minus_presented: marks['poll: videoWidth > 0'] - frame.presented,
        })),
        clock_skew: skew,
      },
      ice_config_protocol: b.protocol,
      frames: { a: a.frame, b: b.frame },
      video,
      stages,
      pair,
    };
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
}

/**
 * Stages shown in the breakdown, in the order a join goes through them (A: Ada, B: Bob, who
 * clicks); a stage an app does not go through is left out.
 */
export const STAGES = [
  ['B camera requested', 'Bob: camera requested (getUserMedia)'],
  ['B camera open', 'Bob: camera open'],
  ['B websocket created', 'Bob: click handled, WebSocket created'],
  ['B websocket open', 'Bob: signaling WebSocket open (TLS + upgrade)'],
  ['B sent join', 'Bob: join sent'],
  ['A received peer_joined', 'Ada: hears Bob joined'],
  ['B received welcome', 'Bob: welcome received'],
  ['A peer connection created', 'Ada: peer connection created'],
  ['B ICE config requested', 'Bob: ICE configuration: fetch() called'],
  ['B ICE config request sent', 'Bob: ICE configuration: request sent'],
  ['B ICE config first byte', 'Bob: ICE configuration: response'],
  ['B ICE config received', 'Bob: ICE configuration: fetch() resolved'],
  ['B peer connection created', 'Bob: peer connection created'],
  ['B negotiation needed', 'Bob: negotiationneeded fired'],
  ['B making offer', 'Bob: setLocalDescription() called'],
  ['B local offer set', 'Bob: offer made (setLocalDescription done)'],
  ['B sent signal offer', 'Bob: offer sent'],
  ['B first host candidate', 'Bob: first ICE candidate'],
  ['A received signal offer', 'Ada: offer received'],
  ['A remote offer set', 'Ada: offer applied'],
  ['A making answer', 'Ada: setLocalDescription() called'],
  ['A local answer set', 'Ada: answer made (setLocalDescription done)'],
  ['A sent signal answer', 'Ada: answer sent'],
  ['A first host candidate', 'Ada: first ICE candidate'],
  ['B received signal answer', 'Bob: answer received'],
  ['B remote answer set', 'Bob: answer applied'],
  ['A ICE checking', 'Ada: ICE checking'],
  ['B ICE checking', 'Bob: ICE checking'],
  ['A ICE connected', 'Ada: ICE connected'],
  ['B ICE connected', 'Bob: ICE connected'],
  ['A connection connected', 'Ada: DTLS done (connectionState connected)'],
  ['B connection connected', 'Bob: DTLS done (connectionState connected)'],
  ['A video track received', 'Ada: video track received (ontrack)'],
  ['B video track received', 'Bob: video track received (ontrack)'],
  ['A first remote frame received', "Ada: first frame of Bob's video received"],
  ['B first remote frame received', "Bob: first frame of Ada's video received"],
  ['A first remote frame presented', "Ada: first frame of Bob's video on screen"],
  ['B first remote frame presented', "Bob: first frame of Ada's video on screen"],
];

/** The summaries of measured call set-ups (measureCall's results), each stage's too. */
export function summariseCalls(runs) {
  const stageNames = new Set(runs.flatMap((r) => Object.keys(r.stages)));
  const stages = {};
  for (const name of stageNames) stages[name] = summary(runs.map((r) => r.stages[name] ?? NaN));
  return {
    a_sees_b: summary(runs.map((r) => r.a_sees_b)),
    b_sees_a: summary(runs.map((r) => r.b_sees_a)),
    setup: summary(runs.map((r) => r.setup)),
    stages,
    runs,
  };
}

/** `rounds` measured joins, after one uncounted. */
export async function call(browser, url, rounds) {
  // One uncounted call first, as for navigation.
  const callOnce = () => measureCall(browser, confabCall(url));
  await attempt('call', callOnce);
  const runs = [];
  for (let round = 1; round <= rounds; round++) {
    const run = await attempt('call', callOnce);
    runs.push(run);
    log(`call ${round}/${rounds}: A sees B ${run.a_sees_b.toFixed(1)} ms, B sees A ${run.b_sees_a.toFixed(1)} ms`);
  }
  return { ...summariseCalls(runs), aim_ms: CALL_SETUP_AIM_MS };
}
