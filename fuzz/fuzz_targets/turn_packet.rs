//! Arbitrary packets from a TURN client into the gate in front of the TURN engine.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| confab_fuzz::turn_packet(data));
