//! How hard remote storage is tried before a failure counts.

use std::time::Duration;

/// Retries of remote requests: each failed request (a 5xx, a timeout, a
/// connection reset, a body cut short) is tried again after a growing pause,
/// until `max_retries` or `timeout` is reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Tries after the first, per request.
    pub max_retries: usize,
    /// Give up on a request after this long.
    pub timeout: Duration,
    /// The first pause; each next one doubles, up to `max_backoff`.
    pub initial_backoff: Duration,
    /// The longest pause.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 10,
            timeout: Duration::from_secs(180),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(15),
        }
    }
}

impl RetryPolicy {
    /// The default, changed by `TAMIS_IO_MAX_RETRIES` and
    /// `TAMIS_IO_RETRY_TIMEOUT` (seconds) when set.
    pub fn from_env() -> Self {
        let mut policy = RetryPolicy::default();
        let number = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<f64>().ok());
        if let Some(n) = number("TAMIS_IO_MAX_RETRIES") {
            policy.max_retries = n.max(0.0) as usize;
        }
        if let Some(seconds) = number("TAMIS_IO_RETRY_TIMEOUT") {
            policy.timeout = Duration::from_secs_f64(seconds.max(0.0));
        }
        policy
    }

    /// The pause before try `attempt` (1 for the first retry).
    pub fn backoff(&self, attempt: usize) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        (self.initial_backoff * factor).min(self.max_backoff)
    }

    pub(crate) fn object_store_config(&self) -> object_store::RetryConfig {
        object_store::RetryConfig {
            backoff: object_store::BackoffConfig {
                init_backoff: self.initial_backoff,
                max_backoff: self.max_backoff,
                base: 2.0,
            },
            max_retries: self.max_retries,
            retry_timeout: self.timeout,
        }
    }
}
