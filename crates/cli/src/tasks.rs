//! Which tasks this process runs: from flags, or from the environment that array
//! job schedulers set (Slurm job arrays, Kubernetes Indexed Jobs).

use anyhow::{bail, Context};

/// The tasks to run here.
pub struct Selection {
    /// How many tasks the job is split into.
    pub count: usize,
    /// One task, or all of them (run one after another).
    pub index: Option<usize>,
}

impl Selection {
    pub fn indexes(&self) -> Vec<usize> {
        match self.index {
            Some(index) => vec![index],
            None => (0..self.count).collect(),
        }
    }
}

fn env_number(name: &str) -> anyhow::Result<Option<usize>> {
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .map(Some)
            .with_context(|| format!("{name}={value:?} is not a number")),
        Err(_) => Ok(None),
    }
}

/// Flags first, then `TAMIS_TASKS`/`TAMIS_TASK_INDEX`, then Slurm
/// (`SLURM_ARRAY_TASK_COUNT`, `SLURM_ARRAY_TASK_ID` minus `SLURM_ARRAY_TASK_MIN`),
/// then Kubernetes (`JOB_COMPLETION_INDEX`; the count must be given).
pub fn select(tasks: Option<usize>, task_index: Option<usize>) -> anyhow::Result<Selection> {
    let count = match tasks {
        Some(n) => Some(n),
        None => env_number("TAMIS_TASKS")?.or(env_number("SLURM_ARRAY_TASK_COUNT")?),
    };
    let index = match task_index {
        Some(i) => Some(i),
        None => match env_number("TAMIS_TASK_INDEX")? {
            Some(i) => Some(i),
            None => match env_number("SLURM_ARRAY_TASK_ID")? {
                Some(id) => Some(id - env_number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0).min(id)),
                None => env_number("JOB_COMPLETION_INDEX")?,
            },
        },
    };
    let count = match (count, index) {
        (Some(count), _) => count,
        (None, Some(_)) => bail!("a task index was given but not the number of tasks (--tasks or TAMIS_TASKS)"),
        (None, None) => 1,
    };
    if count == 0 {
        bail!("the number of tasks must be at least 1");
    }
    if let Some(index) = index {
        if index >= count {
            bail!("task index {index} is out of range for {count} tasks");
        }
    }
    Ok(Selection { count, index })
}
