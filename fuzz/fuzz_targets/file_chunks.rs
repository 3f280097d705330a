//! Arbitrary chunks of a received file into the receiving side's size and hash check.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| confab_fuzz::file_chunks(data));
