//! Who holds a lock: a line such as `tamis pid 4242 on node-7 since
//! 2026-12-02 14:12:42 UTC`, written into lock files and leases so that a
//! refused process can name the holder, and can tell a holder that died.

use std::fmt;

/// A process holding (or asking for) a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pid: u32,
    host: String,
    /// When it took the lock, in seconds since the Unix epoch.
    since: u64,
}

impl Owner {
    /// This process, now.
    pub fn this_process() -> Owner {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Owner {
            pid: std::process::id(),
            host: host_name(),
            since,
        }
    }

    /// The owner a lock's first line names, if it is one of ours.
    pub fn parse(line: &str) -> Option<Owner> {
        let rest = line.trim().strip_prefix("tamis pid ")?;
        let (pid, rest) = rest.split_once(" on ")?;
        let (host, rest) = rest.split_once(" since ")?;
        let since = rest.rsplit_once("(Unix time ")?.1.trim_end_matches(')').parse().ok()?;
        Some(Owner {
            pid: pid.parse().ok()?,
            host: host.to_string(),
            since,
        })
    }

    /// Whether this owner was a process of this machine that no longer runs:
    /// its lock can be taken over without waiting for the lease to expire.
    pub fn is_gone(&self) -> bool {
        self.host == host_name() && pid_is_gone(self.pid)
    }
}

/// Whether no process of this machine has the id `pid` (any more).
pub fn pid_is_gone(pid: u32) -> bool {
    if pid == 0 {
        return false;
    }
    // SAFETY: signal 0 sends nothing; it only asks whether the pid exists.
    let alive = unsafe { libc::kill(pid as libc::pid_t, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    !alive
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "tamis pid {} on {} since {} (Unix time {})",
            self.pid,
            self.host,
            utc(self.since),
            self.since
        )
    }
}

fn host_name() -> String {
    let mut host = [0u8; 256];
    // SAFETY: gethostname writes at most `host.len()` bytes into the buffer.
    if unsafe { libc::gethostname(host.as_mut_ptr().cast(), host.len()) } != 0 {
        return "unknown-host".into();
    }
    let end = host.iter().position(|&b| b == 0).unwrap_or(host.len());
    String::from_utf8_lossy(&host[..end]).into_owned()
}

/// `seconds` since the Unix epoch as `YYYY-MM-DD HH:MM:SS UTC` (Howard
/// Hinnant's `civil_from_days`).
fn utc(seconds: u64) -> String {
    let (days, rest) = ((seconds / 86_400) as i64, seconds % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_reads_back_and_a_dead_one_is_gone() {
        let me = Owner::this_process();
        let parsed = Owner::parse(&me.to_string()).unwrap();
        assert_eq!(parsed, me);
        assert!(!me.is_gone());
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = Owner {
            pid: child.id(),
            ..me.clone()
        };
        child.wait().unwrap();
        assert!(dead.is_gone());
        let elsewhere = Owner {
            host: "another-machine".into(),
            ..dead
        };
        assert!(!elsewhere.is_gone(), "a process on another machine cannot be checked");
    }

    #[test]
    fn times_read_as_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_798_195_425), "2026-12-25 10:43:45 UTC");
    }
}
