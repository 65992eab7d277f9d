//! The queue of frames waiting to be written to the client, with one rule of its own: of a
//! document's `publishDiagnostics` not yet written, only the latest is kept.
//!
//! A client that reads slowly (or is busy) would otherwise make the server hold one full
//! notification per keystroke — every diagnostic of the document each time — and then read
//! them all, though each replaces the one before. Here a newer notification takes the place of
//! the unsent older one, so what waits is at most one notification per open document, plus the
//! responses and other messages, which are never dropped nor reordered among themselves.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

enum Entry {
    Frame(Vec<u8>),
    /// The latest unsent diagnostics of this document, in `Queue::latest`.
    Diagnostics(String),
}

#[derive(Default)]
struct Queue {
    entries: VecDeque<Entry>,
    latest: HashMap<String, Vec<u8>>,
    senders: usize,
    receiver_gone: bool,
}

impl Queue {
    fn pop(&mut self) -> Option<Vec<u8>> {
        loop {
            match self.entries.pop_front()? {
                Entry::Frame(f) => return Some(f),
                Entry::Diagnostics(uri) => {
                    if let Some(f) = self.latest.remove(&uri) {
                        return Some(f);
                    }
                }
            }
        }
    }
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    /// For the writer thread.
    ready: Condvar,
    /// For an async receiver (the in-process tests).
    notify: tokio::sync::Notify,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wake(&self) {
        self.ready.notify_one();
        self.notify.notify_one();
    }
}

/// The receiving end is gone: the session is over.
#[derive(Debug)]
pub struct Closed;

/// Where complete frames (`Content-Length` header and body) are sent.
pub struct Outbox(Arc<Shared>);

/// The frames to write, in order.
pub struct Frames(Arc<Shared>);

pub fn channel() -> (Outbox, Frames) {
    let shared = Arc::new(Shared::default());
    shared.lock().senders = 1;
    (Outbox(shared.clone()), Frames(shared))
}

impl Clone for Outbox {
    fn clone(&self) -> Outbox {
        self.0.lock().senders += 1;
        Outbox(self.0.clone())
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        self.0.lock().senders -= 1;
        self.0.wake();
    }
}

impl Outbox {
    /// Queues a frame, after every frame queued before it.
    pub fn send(&self, frame: Vec<u8>) -> Result<(), Closed> {
        let mut q = self.0.lock();
        if q.receiver_gone {
            return Err(Closed);
        }
        q.entries.push_back(Entry::Frame(frame));
        drop(q);
        self.0.wake();
        Ok(())
    }

    /// Queues the `publishDiagnostics` frame of `uri`, replacing one still unsent.
    pub fn send_diagnostics(&self, uri: &str, frame: Vec<u8>) -> Result<(), Closed> {
        let mut q = self.0.lock();
        if q.receiver_gone {
            return Err(Closed);
        }
        if q.latest.insert(uri.to_string(), frame).is_none() {
            q.entries.push_back(Entry::Diagnostics(uri.to_string()));
        }
        drop(q);
        self.0.wake();
        Ok(())
    }
}

impl Drop for Frames {
    fn drop(&mut self) {
        let mut q = self.0.lock();
        q.receiver_gone = true;
        q.entries.clear();
        q.latest.clear();
    }
}

impl Frames {
    /// Every frame waiting, once there is one; `None` when every sender is gone and nothing
    /// is left.
    pub fn blocking_recv_all(&mut self) -> Option<Vec<Vec<u8>>> {
        let mut q = self.0.lock();
        loop {
            let mut all = Vec::new();
            while let Some(f) = q.pop() {
                all.push(f);
            }
            if !all.is_empty() {
                return Some(all);
            }
            if q.senders == 0 {
                return None;
            }
            q = self.0.ready.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The next frame; `None` when every sender is gone and nothing is left.
    pub async fn recv(&mut self) -> Option<Vec<u8>> {
        loop {
            {
                let mut q = self.0.lock();
                if let Some(f) = q.pop() {
                    return Some(f);
                }
                if q.senders == 0 {
                    return None;
                }
            }
            // `notify_one` keeps a permit when nobody waits: a frame queued since the check
            // above is not missed.
            self.0.notify.notified().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsent_diagnostics_are_replaced_in_place_and_frames_kept_in_order() {
        let (out, mut frames) = channel();
        out.send(b"r1".to_vec()).unwrap();
        for v in 0..100 {
            out.send_diagnostics("a", format!("a{v}").into_bytes())
                .unwrap();
            out.send_diagnostics("b", format!("b{v}").into_bytes())
                .unwrap();
        }
        out.send(b"r2".to_vec()).unwrap();
        let got: Vec<String> = frames
            .blocking_recv_all()
            .unwrap()
            .into_iter()
            .map(|f| String::from_utf8(f).unwrap())
            .collect();
        assert_eq!(got, ["r1", "a99", "b99", "r2"]);
        // Sent after the last read: queued again.
        out.send_diagnostics("a", b"a100".to_vec()).unwrap();
        drop(out);
        assert_eq!(frames.blocking_recv_all().unwrap(), [b"a100".to_vec()]);
        assert!(frames.blocking_recv_all().is_none());
    }

    #[test]
    fn sending_fails_once_the_receiver_is_gone() {
        let (out, frames) = channel();
        drop(frames);
        assert!(out.send(b"x".to_vec()).is_err());
        assert!(out.send_diagnostics("a", b"x".to_vec()).is_err());
    }
}
