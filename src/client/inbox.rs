//! Messages applied strictly one after another by an asynchronous step, in arrival order: each
//! waits for the one before it (a `setRemoteDescription` must finish before the next starts).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;

/// The queue; its owner holds it and hands [`Inbox::push`] a way to find it.
pub struct Inbox<T> {
    items: RefCell<VecDeque<T>>,
    draining: Cell<bool>,
}

impl<T> Default for Inbox<T> {
    fn default() -> Self {
        Inbox {
            items: RefCell::new(VecDeque::new()),
            draining: Cell::new(false),
        }
    }
}

impl<T: 'static> Inbox<T> {
    /// Queues `item` in `owner`'s inbox; unless a task is already applying the inbox, starts
    /// one that applies each item with `apply` until none is left.
    pub fn push<O, F, Fut>(owner: &Rc<O>, inbox: fn(&O) -> &Inbox<T>, item: T, apply: F)
    where
        O: 'static,
        F: Fn(Rc<O>, T) -> Fut + 'static,
        Fut: Future<Output = ()>,
    {
        let queue = inbox(owner);
        queue.items.borrow_mut().push_back(item);
        if queue.draining.replace(true) {
            return;
        }
        let owner = owner.clone();
        spawn_local(async move {
            loop {
                let next = inbox(&owner).items.borrow_mut().pop_front();
                let Some(item) = next else { break };
                apply(owner.clone(), item).await;
            }
            inbox(&owner).draining.set(false);
        });
    }

    /// Forgets what is queued.
    pub fn clear(&self) {
        self.items.borrow_mut().clear();
    }
}
