//! The SHA-256 of a file in transfer, on both sides. In a Web Worker when the page can start
//! one (`public/hash-worker.js` running `confab_hash.wasm`, the `worker/hash` crate), so the
//! hashing runs on another core instead of holding up the page's main thread, which also
//! carries the call and the data channel's own callbacks; otherwise in the page. Both give
//! the same lowercase hex digest, so the two ends agree whichever way each hashed.

use crate::protocol::data::hex;
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use sha2::{Digest, Sha256};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

/// The worker's script.
pub const WORKER_URL: &str = "/hash-worker.js";
/// The hasher's WebAssembly module (no imports).
pub const MODULE_URL: &str = "/confab_hash.wasm";

/// One file's hash in the making.
pub struct FileHash(Inner);

enum Inner {
    Worker(WorkerHash),
    Page {
        hasher: Box<Sha256>,
        scratch: Vec<u8>,
    },
}

impl FileHash {
    /// Starts a hash: in a worker if one starts, else in the page (and says why in the log).
    pub async fn start() -> Self {
        match WorkerHash::start().await {
            Ok(worker) => FileHash(Inner::Worker(worker)),
            Err(error) => {
                leptos::logging::warn!("hashing files in the page: {error:?}");
                FileHash(Inner::Page {
                    hasher: Box::default(),
                    scratch: Vec::new(),
                })
            }
        }
    }

    /// Whether the hashing runs off the page's main thread.
    pub fn in_worker(&self) -> bool {
        matches!(self.0, Inner::Worker(_))
    }

    /// Hashes the file's next bytes. With `hand_over` the bytes' buffer is moved to the worker
    /// (no copy) and is empty afterwards; without it they are copied.
    pub fn update(&mut self, bytes: &Uint8Array, hand_over: bool) -> Result<(), JsValue> {
        match &mut self.0 {
            Inner::Worker(worker) => worker.give(bytes, hand_over),
            Inner::Page { hasher, scratch } => {
                scratch.resize(bytes.length() as usize, 0);
                bytes.copy_to(scratch);
                hasher.update(&scratch[..]);
                Ok(())
            }
        }
    }

    /// Waits until at most `bytes` given bytes are still waiting to be hashed, so a slow hasher
    /// holds the sender back rather than piling the file up in memory.
    pub async fn behind_at_most(&self, bytes: u64) {
        if let Inner::Worker(worker) = &self.0 {
            let given = worker.given.get();
            worker
                .until(|state| state.ended.is_some() || given.saturating_sub(state.hashed) <= bytes)
                .await;
        }
    }

    /// The digest of every byte given.
    pub async fn finish(self) -> Result<String, JsValue> {
        match self.0 {
            Inner::Worker(worker) => worker.finish().await,
            Inner::Page { hasher, .. } => Ok(hex(&hasher.finalize())),
        }
    }
}

/// A worker hashing one file.
struct WorkerHash {
    worker: Worker,
    /// Bytes given so far.
    given: Cell<u64>,
    state: Rc<RefCell<WorkerState>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// What the worker has said.
#[derive(Default)]
struct WorkerState {
    ready: bool,
    /// Bytes it has hashed.
    hashed: u64,
    /// Its digest, or why it stopped.
    ended: Option<Result<String, String>>,
    /// Wakes the one task waiting on the worker.
    wake: Option<js_sys::Function>,
}

impl WorkerHash {
    /// Starts the worker and waits until it can hash.
    async fn start() -> Result<Self, JsValue> {
        let module = super::wasm_module::compiled(MODULE_URL).await?;
        let worker = Worker::new(WORKER_URL)?;
        let state = Rc::new(RefCell::new(WorkerState::default()));
        let on_message = {
            let state = state.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                let field = |name: &str| Reflect::get(&data, &name.into()).unwrap_or_default();
                let mut state = state.borrow_mut();
                match field("type").as_string().as_deref() {
                    Some("ready") => state.ready = true,
                    Some("hashed") => state.hashed = field("bytes").as_f64().unwrap_or(0.0) as u64,
                    Some("digest") => {
                        state.ended = Some(field("sha256").as_string().ok_or_else(String::new))
                    }
                    _ => {
                        let reason = field("reason").as_string().unwrap_or_default();
                        state.ended = Some(Err(reason));
                    }
                }
                if let Some(wake) = state.wake.take() {
                    let _ = wake.call0(&JsValue::NULL);
                }
            })
        };
        // The script itself failing to load or run arrives here, not as a message.
        let on_error = {
            let state = state.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let mut state = state.borrow_mut();
                state.ended = Some(Err(format!("{WORKER_URL} failed")));
                if let Some(wake) = state.wake.take() {
                    let _ = wake.call0(&JsValue::NULL);
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let hash = WorkerHash {
            worker,
            given: Cell::new(0),
            state,
            _on_message: on_message,
            _on_error: on_error,
        };
        hash.post("start", Some(("module", module.as_ref())), None)?;
        hash.until(|state| state.ready || state.ended.is_some())
            .await;
        let failed = match &hash.state.borrow().ended {
            Some(Err(reason)) => Some(reason.clone()),
            _ => None,
        };
        match failed {
            Some(reason) => Err(reason.into()),
            None => Ok(hash),
        }
    }

    /// Posts `{ type, [field]: value }`, moving the buffers in `transfer`.
    fn post(
        &self,
        kind: &str,
        field: Option<(&str, &JsValue)>,
        transfer: Option<&JsValue>,
    ) -> Result<(), JsValue> {
        let message = Object::new();
        Reflect::set(&message, &"type".into(), &kind.into())?;
        if let Some((name, value)) = field {
            Reflect::set(&message, &name.into(), value)?;
        }
        match transfer {
            Some(buffer) => self
                .worker
                .post_message_with_transfer(&message, &Array::of1(buffer)),
            None => self.worker.post_message(&message),
        }
    }

    fn give(&self, bytes: &Uint8Array, hand_over: bool) -> Result<(), JsValue> {
        if let Some(Err(reason)) = &self.state.borrow().ended {
            return Err(reason.clone().into());
        }
        let buffer = bytes.buffer();
        self.post(
            "bytes",
            Some(("bytes", bytes)),
            hand_over.then_some(&buffer),
        )?;
        self.given.set(self.given.get() + u64::from(bytes.length()));
        Ok(())
    }

    async fn finish(self) -> Result<String, JsValue> {
        self.post("finish", None, None)?;
        self.until(|state| state.ended.is_some()).await;
        let ended = self.state.borrow_mut().ended.take();
        match ended {
            Some(Ok(sha256)) if sha256.len() == 64 => Ok(sha256),
            Some(Ok(_)) => Err("the hash worker gave no digest".into()),
            Some(Err(reason)) => Err(reason.into()),
            None => Err("the hash worker stopped".into()),
        }
    }

    /// Waits until `done` holds for what the worker has said.
    async fn until(&self, done: impl Fn(&WorkerState) -> bool) {
        while !done(&self.state.borrow()) {
            let promise =
                Promise::new(&mut |resolve, _| self.state.borrow_mut().wake = Some(resolve));
            let _ = JsFuture::from(promise).await;
        }
    }
}

impl Drop for WorkerHash {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
