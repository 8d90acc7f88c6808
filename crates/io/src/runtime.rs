//! The runtime remote requests run on: the pipeline is synchronous (threads,
//! blocking reads), `object_store` is asynchronous, and this is the bridge.

use std::future::Future;
use std::sync::OnceLock;

/// Runs `future` to completion on the shared runtime, blocking the calling
/// thread (never a thread of the runtime itself).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            // Two threads drive every request of the process: the work is
            // waiting on the network, not computing.
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("tamis-io")
                .enable_all()
                .build()
                .expect("cannot start the I/O runtime")
        })
        .block_on(future)
}
