// Chromium flags for every browser the tests and benchmarks start.
export const chromiumArgs = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--ignore-certificate-errors',
  '--autoplay-policy=no-user-gesture-required',
  // Peers on one machine: let ICE use loopback and plain host addresses.
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];
