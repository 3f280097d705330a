//! Arbitrary data-channel messages into the browser's control and file-end decoders.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| confab_fuzz::peer_message(data));
