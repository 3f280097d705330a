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

/// The server's fast path for signals, on every signaling input the fuzzer kept: whatever it takes,
/// the typed decoder takes with the same recipient, and the recipient reads the same signal.
#[cfg(feature = "ssr")]
#[test]
fn the_signal_fast_path_agrees_with_the_typed_decoder_on_the_fuzz_corpus() {
    use confab::protocol::{ClientMessage, PeerId, ServerMessage};
    use confab::server::outbox::Outbound;
    use confab::server::signal_frame;

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/signaling_message");
    let mut fast = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let Some((to, raw)) = signal_frame::read(text) else {
            continue;
        };
        fast += 1;
        let Ok(ClientMessage::Signal {
            to: typed_to,
            signal,
        }) = serde_json::from_str::<ClientMessage>(text)
        else {
            panic!(
                "{}: the fast path took what the typed decoder refuses",
                path.display()
            );
        };
        assert_eq!(to, typed_to, "{}", path.display());
        let Outbound::Frame(frame) = signal_frame::frame(PeerId(1), raw) else {
            unreachable!()
        };
        let received: ServerMessage = serde_json::from_str(frame.as_str()).unwrap();
        assert_eq!(
            received,
            ServerMessage::Signal {
                from: PeerId(1),
                signal
            },
            "{}",
            path.display()
        );
    }
    assert!(fast > 0, "no corpus input is a signal the fast path takes");
}
