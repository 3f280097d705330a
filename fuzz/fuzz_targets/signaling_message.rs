//! Arbitrary frames into the server's signaling decoder.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| confab_fuzz::signaling_message(data));
