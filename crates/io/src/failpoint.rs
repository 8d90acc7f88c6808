//! Failpoints: named places in the commit protocol where a test can make the
//! process die, as `kill -9` would, to check that the next run repairs
//! everything. `TAMIS_FAILPOINT=<name>` arms one; unset, a failpoint costs one
//! comparison.
//!
//! | name | where |
//! |---|---|
//! | `write.part_opened` | a part file is being written (its upload not committed) |
//! | `task.parts_written` | every part of a task is written, its stats and marker are not |
//! | `task.stats_written` | the task's stats are written, its marker is not |
//! | `task.marker_written` | the marker is written, the task's scratch and lock not released |
//! | `merge.stats_read` | the tasks' stats are read, `stats.json` is not written |
//! | `phase.outputs_written` | a global phase's files are written, its phase marker is not |
//!
//! [`panic_point`]s are armed the same way, with a key: `write.encode:<id>`
//! makes the writers panic while encoding document `<id>`.

use std::sync::OnceLock;

/// What `TAMIS_FAILPOINT` arms, read once.
fn armed() -> Option<&'static str> {
    static ARMED: OnceLock<Option<String>> = OnceLock::new();
    ARMED
        .get_or_init(|| std::env::var("TAMIS_FAILPOINT").ok().filter(|v| !v.is_empty()))
        .as_deref()
}

/// Panics here if `TAMIS_FAILPOINT` is `<name>:<key>`: a bug a test can
/// place, to check that it costs one document and not the task.
pub fn panic_point(name: &str, key: &str) {
    if let Some(armed) = armed() {
        if armed.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')) == Some(key) {
            panic!("failpoint {name}:{key}");
        }
    }
}

/// Dies here, with SIGKILL, if `TAMIS_FAILPOINT` names this place.
pub fn failpoint(name: &str) {
    if armed() == Some(name) {
        eprintln!("tamis: failpoint {name}: killing the process");
        // SAFETY: sends SIGKILL to this very process, which ends it at once.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}
