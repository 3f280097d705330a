//! Replays the kept fuzz corpus through the fuzz targets' own checks, so every input the fuzzer
//! found interesting stays a regression test on stable Rust (no nightly, no libFuzzer).

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::panic::catch_unwind;
use std::path::Path;

#[test]
fn every_kept_fuzz_input_passes_its_targets_checks() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for (target, check) in checks::TARGETS {
        let dir = corpus.join(target);
        let inputs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .collect();
        assert!(!inputs.is_empty(), "{} holds no inputs", dir.display());
        // Each failure's message is printed as it happens; the paths are listed at the end.
        let failed: Vec<_> = inputs
            .iter()
            .filter(|path| catch_unwind(|| check(&std::fs::read(path).unwrap())).is_err())
            .collect();
        assert!(failed.is_empty(), "{target} inputs failing: {failed:?}");
    }
}
