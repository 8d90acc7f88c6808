//! A [`RollingWriter`] on its own thread.

use crate::{Outgoing, RollingWriter, Written};
use std::io;

/// Batches of documents queued before the sender waits.
const QUEUED_BATCHES: usize = 4;

/// A [`RollingWriter`] on its own thread: documents are handed over in
/// batches and written in the order given, so encoding and compression (the
/// costliest part of writing) run beside the steps, and the files are the
/// same as a `RollingWriter`'s.
pub struct BackgroundWriter {
    sender: Option<std::sync::mpsc::SyncSender<Vec<Outgoing>>>,
    thread: Option<std::thread::JoinHandle<io::Result<Written>>>,
}

impl BackgroundWriter {
    /// Starts the thread that will own `writer`.
    pub fn spawn(mut writer: RollingWriter) -> io::Result<Self> {
        let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Outgoing>>(QUEUED_BATCHES);
        let thread = std::thread::Builder::new().name("tamis-writer".into()).spawn(move || {
            // Time at work, not waiting for batches: the stats' write time.
            let mut busy = std::time::Duration::ZERO;
            for batch in batches {
                let started = std::time::Instant::now();
                for item in &batch {
                    writer.write(item)?;
                }
                busy += started.elapsed();
            }
            let started = std::time::Instant::now();
            let mut written = writer.finish()?;
            written.seconds = (busy + started.elapsed()).as_secs_f64();
            Ok(written)
        })?;
        Ok(BackgroundWriter {
            sender: Some(sender),
            thread: Some(thread),
        })
    }

    /// Queues `items`, waiting if the writer is behind. Fails with the
    /// writer's error if it has stopped.
    pub fn write(&mut self, items: Vec<Outgoing>) -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let sent = self.sender.as_ref().map(|sender| sender.send(items));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(self
                .join()
                .err()
                .unwrap_or_else(|| io::Error::other("the writer thread has stopped"))),
        }
    }

    fn join(&mut self) -> io::Result<Written> {
        self.sender = None;
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked"))),
            None => Err(io::Error::other("the writer thread has stopped")),
        }
    }

    /// Writes what is queued, finishes the last part, and says what was written.
    pub fn finish(mut self) -> io::Result<Written> {
        self.join()
    }
}
