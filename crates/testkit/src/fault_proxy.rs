//! A TCP proxy on 127.0.0.1 that cuts responses short with a connection reset,
//! as a flaky network or a load balancer does in the middle of a large body.

use crate::free_port;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::io::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Forwards 127.0.0.1:`port()` to an upstream port; while armed, resets each
/// connection once it has sent `after_bytes` bytes downstream.
pub struct FaultProxy {
    port: u16,
    state: Arc<State>,
    acceptor: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct State {
    stop: AtomicBool,
    /// Resets still to do.
    armed: AtomicUsize,
    after_bytes: AtomicU64,
    /// Resets done.
    resets: AtomicUsize,
    /// Bytes sent downstream, over all connections.
    sent: AtomicU64,
}

impl FaultProxy {
    /// Starts forwarding to 127.0.0.1:`upstream`, with no fault armed.
    pub fn start(upstream: u16) -> FaultProxy {
        let port = free_port(0);
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("binding the proxy");
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let state = Arc::new(State::default());
        let shared = state.clone();
        let acceptor = std::thread::spawn(move || {
            while !shared.stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let state = shared.clone();
                        std::thread::spawn(move || forward(client, upstream, &state));
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
                    Err(_) => break,
                }
            }
        });
        FaultProxy {
            port,
            state,
            acceptor: Some(acceptor),
        }
    }

    /// The port clients connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Resets the next `count` connections that send more than `after_bytes`
    /// bytes downstream, at that byte.
    pub fn reset_next(&self, count: usize, after_bytes: u64) {
        self.state.after_bytes.store(after_bytes, Ordering::Relaxed);
        self.state.armed.store(count, Ordering::Relaxed);
    }

    /// How many connections were reset so far.
    pub fn resets(&self) -> usize {
        self.state.resets.load(Ordering::Relaxed)
    }

    /// Bytes sent downstream so far, over all connections (headers included):
    /// what a test of range reads counts.
    pub fn bytes_sent(&self) -> u64 {
        self.state.sent.load(Ordering::Relaxed)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn forward(client: TcpStream, upstream: u16, state: &State) {
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        arm_reset(&client);
        return;
    };
    let (mut client_in, mut server_out) = match (client.try_clone(), server.try_clone()) {
        (Ok(c), Ok(s)) => (c, s),
        _ => return,
    };
    let upload = std::thread::spawn(move || {
        let _ = io::copy(&mut client_in, &mut server_out);
        let _ = server_out.shutdown(Shutdown::Write);
    });
    let (mut server_in, mut client_out) = (server, client);
    let mut sent = 0u64;
    let mut was_reset = false;
    let mut buffer = vec![0; 64 << 10];
    loop {
        let n = match server_in.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let limit = state.after_bytes.load(Ordering::Relaxed);
        let armed = state.armed.load(Ordering::Relaxed) > 0;
        if armed && sent + n as u64 > limit {
            let keep = (limit.saturating_sub(sent)) as usize;
            let take = state
                .armed
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |a| a.checked_sub(1));
            if take.is_ok() {
                let _ = client_out.write_all(&buffer[..keep]);
                state.resets.fetch_add(1, Ordering::Relaxed);
                arm_reset(&client_out);
                let _ = server_in.shutdown(Shutdown::Both);
                was_reset = true;
                break;
            }
        }
        if client_out.write_all(&buffer[..n]).is_err() {
            break;
        }
        sent += n as u64;
        state.sent.fetch_add(n as u64, Ordering::Relaxed);
    }
    if !was_reset {
        let _ = client_out.shutdown(Shutdown::Write);
    }
    let _ = upload.join();
    // The last descriptor of the client's socket closes here: with a reset
    // armed, the client gets a RST, not a FIN.
}

/// Makes the close of `stream` a RST instead of a FIN (SO_LINGER with a zero
/// timeout), and stops reading from it so that its other half lets go.
fn arm_reset(stream: &TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt on a socket this function borrows, with a valid
    // `linger` value and its exact size.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    let _ = stream.shutdown(Shutdown::Read);
}
