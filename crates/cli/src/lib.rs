//! The `tamis` command as a library: parse arguments, wire the library crates
//! together, print, and choose the exit code (0 done, 1 some task failed, 2 bad
//! usage or config, 75 waiting for other tasks).
//!
//! The binary (`src/main.rs`) and the Python package's `tamis` command both call
//! [`main`], so `pip install tamis` gives the same command as `cargo install`.

mod dedup;
mod eval;
mod predict;
pub mod summary;
mod tasks;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tamis_run::{JobOptions, Pipeline, Progress};

#[derive(Parser)]
#[command(
    name = "tamis",
    version,
    about = "Turn raw web crawls into clean, deduplicated text for training language models."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a pipeline file.
    Run(RunArgs),
    /// Read files and count their records, documents and errors (prints JSON).
    Count {
        /// Input format.
        #[arg(long, value_enum, default_value = "warc")]
        format: CountFormat,
        /// Files to read (paths or URLs).
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Deduplicate JSONL files (exact or MinHash), all phases here or one task of one phase.
    Dedup(dedup::DedupArgs),
    /// Print the phases a run of the pipeline goes through, one per line
    /// (`run`, or `record`, the dedup step's phases, `filter`): what a
    /// scheduler submits one array job for, in order.
    Phases {
        /// The pipeline file (YAML).
        pipeline: PathBuf,
    },
    /// Merge the stats of the completed tasks in OUTPUT into OUTPUT/stats.json.
    Stats {
        /// The pipeline's output directory (a path or a URL).
        output: String,
    },
    /// Write one self-contained HTML page that shows what a run did, from
    /// OUTPUT/stats.json; with several outputs, their funnels side by side.
    Report {
        /// The run's output directory (a path or a URL); several to compare.
        #[arg(required = true)]
        outputs: Vec<String>,
        /// Where to write the page [default: OUTPUT/report.html for one run,
        /// report.html for a comparison].
        #[arg(long, short = 'o')]
        output: Option<String>,
    },
    /// Predict labels with a fastText model, one JSON object per input line.
    Predict(predict::PredictArgs),
    /// Score a part of tamis against a public data set.
    #[command(subcommand)]
    Eval(eval::Kind),
}

#[derive(clap::Args)]
struct RunArgs {
    /// The pipeline file (YAML).
    pipeline: PathBuf,
    #[command(flatten)]
    flags: RunFlags,
}

/// How a pipeline runs: shared by `tamis run` and `tamis dedup`.
#[derive(clap::Args)]
pub struct RunFlags {
    /// Worker threads per task [default: all cores].
    #[arg(long, short = 'w')]
    workers: Option<usize>,
    /// Split the inputs into this many tasks [env: TAMIS_TASKS, SLURM_ARRAY_TASK_COUNT].
    #[arg(long)]
    tasks: Option<usize>,
    /// Run only this task (0-based) [env: TAMIS_TASK_INDEX, SLURM_ARRAY_TASK_ID,
    /// JOB_COMPLETION_INDEX]; without it, every task runs here.
    #[arg(long)]
    task_index: Option<usize>,
    /// Tasks run at the same time, each with its own reader thread, sharing the
    /// workers [default: as many as there are cores, at most the tasks to run].
    #[arg(long)]
    concurrent_tasks: Option<usize>,
    /// Memory per task for a corpus-wide step (dedup) before it spills to disk, e.g. 512M, 4G.
    #[arg(long, value_parser = parse_bytes, default_value = "512M")]
    mem_budget: usize,
    /// Run only this phase of a pipeline with a corpus-wide step (record, its own phases, filter).
    #[arg(long)]
    phase: Option<String>,
    /// Keep OUTPUT/.global/ (a corpus-wide step's signatures, pairs, clusters) once the run completed.
    #[arg(long)]
    keep_global: bool,
    /// No progress bar and no summary table.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Write OUTPUT/report.html (`tamis report`) once every task is complete.
    #[arg(long)]
    report: bool,
    /// Leave histograms, domain counts and removed-document samples out of
    /// the stats (the counts stay): to measure what they cost.
    #[arg(long)]
    no_distributions: bool,
}

/// `512M`, `4G`, `1024k` or a number of bytes.
fn parse_bytes(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (digits, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let number: usize = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 512M"))?;
    let scale = match unit.to_ascii_lowercase().trim_end_matches(['b', 'i']) {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => return Err(format!("{text:?}: unknown unit {unit:?}")),
    };
    number
        .checked_mul(scale)
        .ok_or_else(|| format!("{text:?} is too large"))
}

#[derive(Clone, Copy, ValueEnum)]
enum CountFormat {
    Warc,
    Jsonl,
    Parquet,
}

/// How the command ends: its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every task is complete (or the command did what it was asked).
    Done = 0,
    /// Some task failed; running again redoes it.
    Failed = 1,
    /// Bad usage or configuration: running again cannot help.
    Usage = 2,
    /// A phase waits for tasks that run elsewhere, or another process runs a task.
    Waiting = 75,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Runs the command line `args` (the program name first, as in
/// `std::env::args_os()`) and returns the exit code. Prints to stdout and
/// stderr like the binary, and flushes stdout before returning, since a host
/// process (Python) may exit without running Rust's own cleanup.
pub fn main<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    restore_sigpipe();
    let code = match Cli::try_parse_from(args) {
        Ok(cli) => command(cli),
        Err(err) => {
            // --help and --version end here too, with code 0.
            let _ = err.print();
            u8::try_from(err.exit_code()).unwrap_or(Exit::Usage.code())
        }
    };
    let _ = std::io::stdout().flush();
    code
}

fn command(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Dedup(args) => dedup::run(args),
        Command::Count { format, files } => count(format, &files),
        Command::Phases { pipeline } => phases(&pipeline),
        Command::Stats { output } => stats(&output),
        Command::Report { outputs, output } => report(&outputs, output.as_deref()),
        Command::Predict(args) => predict::predict(args),
        Command::Eval(kind) => eval::run(kind),
    };
    match result {
        Ok(exit) => exit.code(),
        Err(err) => {
            eprintln!("tamis: error: {err:#}");
            Exit::Usage.code()
        }
    }
}

fn run(args: RunArgs) -> anyhow::Result<Exit> {
    let pipeline = Pipeline::load(&args.pipeline)?;
    execute(&pipeline, &args.flags)
}

/// Runs the selected tasks of `pipeline` through every phase (or `--phase`)
/// and chooses the exit code: 0 every task complete, 1 a task failed (running
/// again redoes it), 2 a task belongs to another job, 75 waiting for tasks
/// that run elsewhere.
fn execute(pipeline: &Pipeline, args: &RunFlags) -> anyhow::Result<Exit> {
    let selection = tasks::select(args.tasks, args.task_index)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let indexes = selection.indexes();
    let options = JobOptions {
        tasks: selection.count,
        workers: args.workers.unwrap_or(cores),
        concurrent: args.concurrent_tasks.unwrap_or(cores).clamp(1, indexes.len().max(1)),
        indexes,
        mem_budget: args.mem_budget,
        phase: args.phase.clone(),
        keep_global: args.keep_global,
        distributions: !args.no_distributions,
    };
    let progress = Arc::new(Progress::default());
    let show = !args.quiet && std::io::stderr().is_terminal();
    let bar = show.then(|| progress_bar(progress.clone()));
    let report = tamis_run::run_job(pipeline, &options, progress);
    if let Some((bar, stop)) = bar {
        stop.store(1, Ordering::Relaxed);
        let _ = bar.join();
    }
    let report = match report {
        Ok(report) => report,
        Err(err @ tamis_run::JobError::UnknownPhase(..)) => return Err(err.into()),
        Err(err) => {
            eprintln!("tamis: error: {err}");
            return Ok(Exit::Failed);
        }
    };
    for (_, err) in &report.failed {
        eprintln!("tamis: error: {err}");
    }
    for (index, holder) in &report.busy {
        eprintln!("tamis: task {index} is being run by another process: {holder}");
    }
    for index in &report.skipped {
        eprintln!("tamis: task {index} was already complete, skipped");
    }
    if let Some((phase, previous, missing)) = &report.waiting {
        let shown: Vec<String> = missing.iter().take(10).map(usize::to_string).collect();
        eprintln!(
            "tamis: phase {phase} waits for phase {previous} of {} task(s) (tasks {}{}); run this command again once they are done",
            missing.len(),
            shown.join(", "),
            if missing.len() > 10 { ", …" } else { "" }
        );
    }
    if let Some(stats) = &report.stats {
        if !args.quiet {
            eprintln!("{}", summary::table(stats));
            eprintln!(
                "tamis: {} of {} tasks complete ({} skipped, {} failed); stats in {}",
                stats.tasks,
                selection.count,
                report.skipped.len(),
                report.failed.len(),
                pipeline.output.join("stats.json")
            );
        }
        for warning in &report.warnings {
            eprintln!("tamis: warning: {warning}");
        }
        if args.report && stats.tasks as usize == selection.count {
            match tamis_report::write_for(&pipeline.output.to_string()) {
                Ok(file) if !args.quiet => eprintln!("tamis: report in {file}"),
                Ok(_) => {}
                Err(err) => eprintln!("tamis: warning: writing the report: {err}"),
            }
        }
    }
    Ok(if report.failed.iter().any(|(_, err)| err.is_configuration()) {
        Exit::Usage
    } else if !report.failed.is_empty() {
        Exit::Failed
    } else if report.waiting.is_some() || !report.busy.is_empty() {
        Exit::Waiting
    } else {
        Exit::Done
    })
}

/// Lets a closed pipe end the process quietly (`tamis predict … | head`), as
/// other Unix tools do, instead of `println!` panicking on the write error.
/// The command owns its process (the binary, or Python's `tamis` script), so
/// the disposition is its to set.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: SIG_DFL is a valid disposition for SIGPIPE; `signal` is
    // async-signal-safe and may be called with other threads running.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Draws a progress bar on stderr until told to stop.
fn progress_bar(progress: Arc<Progress>) -> (std::thread::JoinHandle<()>, Arc<AtomicU64>) {
    let stop = Arc::new(AtomicU64::new(0));
    let stopped = stop.clone();
    let handle = std::thread::spawn(move || {
        let bar = indicatif::ProgressBar::new(0);
        let style = |template: &str| {
            indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        };
        // Input bytes while the input is read; a global step's units in its own phases.
        let bytes = style(
            "{spinner} [{elapsed_precise}] [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg} eta {eta}",
        );
        let units = style("{spinner} [{elapsed_precise}] [{bar:30}] {msg} eta {eta}");
        let mut counting_units = false;
        bar.set_style(bytes.clone());
        let started = Instant::now();
        while stopped.load(Ordering::Relaxed) == 0 {
            let (done, total) = (
                progress.units_done.load(Ordering::Relaxed),
                progress.units_total.load(Ordering::Relaxed),
            );
            let records = progress.records.load(Ordering::Relaxed);
            let finished = progress.finished.load(Ordering::Relaxed);
            let rate = records as f64 / started.elapsed().as_secs_f64().max(1e-3);
            let phase = progress.phase();
            let phase = if phase.is_empty() { phase } else { format!("{phase}: ") };
            if (total > 0) != counting_units {
                counting_units = total > 0;
                bar.set_style(if counting_units { units.clone() } else { bytes.clone() });
            }
            if total > 0 {
                bar.set_length(total);
                bar.set_position(done);
                bar.set_message(format!("{phase}units {done}/{total}"));
            } else {
                bar.set_length(progress.bytes_total.load(Ordering::Relaxed));
                bar.set_position(progress.bytes_read.load(Ordering::Relaxed));
                bar.set_message(format!(
                    "{phase}{records} docs read, {finished} through, {rate:.0} docs/s"
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bar.finish_and_clear();
    });
    (handle, stop)
}

fn count(format: CountFormat, files: &[String]) -> anyhow::Result<Exit> {
    let format = match format {
        CountFormat::Warc => tamis_read::Format::Warc,
        CountFormat::Jsonl => tamis_read::Format::Jsonl,
        CountFormat::Parquet => tamis_read::Format::Parquet,
    };
    let options = tamis_read::ReadOptions::default();
    let bytes = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let (mut documents, mut skipped, mut errors, mut text_bytes) = (0u64, 0u64, 0u64, 0u64);
    for file in files {
        let file = tamis_io::Location::parse(file)?;
        for record in tamis_read::open(&file, format, &options, bytes.clone()) {
            let document = match record {
                tamis_read::Record::Document(doc) => doc.decode(),
                tamis_read::Record::Skipped(_) => {
                    skipped += 1;
                    continue;
                }
                tamis_read::Record::Error(err) => Err(err),
            };
            match document {
                Ok(doc) => {
                    documents += 1;
                    text_bytes += doc.text.len() as u64;
                }
                Err(err) => {
                    errors += 1;
                    eprintln!("tamis: {err}");
                }
            }
        }
    }
    let report = serde_json::json!({
        "documents": documents,
        "skipped": skipped,
        "errors": errors,
        "bytes_in": bytes.load(Ordering::Relaxed),
        "text_bytes": text_bytes,
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{report}");
    Ok(Exit::Done)
}

fn phases(pipeline: &std::path::Path) -> anyhow::Result<Exit> {
    let pipeline = Pipeline::load(pipeline)?;
    let runner = tamis_run::Runner::new(&pipeline, 1, Arc::new(Progress::default()))?;
    for phase in runner.phases() {
        println!("{phase}");
    }
    Ok(Exit::Done)
}

fn stats(output: &str) -> anyhow::Result<Exit> {
    let output = tamis_io::Location::parse(output)?;
    let layout = tamis_run::output::Layout::new(output.clone(), None);
    anyhow::ensure!(
        !layout.completed_tasks()?.is_empty(),
        "{output} holds no completed task (nothing in completions/)"
    );
    let merged = layout
        .merge_stats()
        .with_context(|| format!("merging stats in {output}"))?;
    println!("{}", serde_json::to_string_pretty(&merged)?);
    Ok(Exit::Done)
}

/// `tamis report`: the page for one run, or the comparison of several.
fn report(outputs: &[String], to: Option<&str>) -> anyhow::Result<Exit> {
    let runs = outputs
        .iter()
        .map(|output| tamis_report::load(output))
        .collect::<std::io::Result<Vec<_>>>()?;
    let file = match (to, outputs) {
        (Some(to), _) => tamis_io::Location::parse(to)?,
        (None, [one]) => tamis_io::Location::parse(one)?.join("report.html"),
        (None, _) => tamis_io::Location::parse("report.html")?,
    };
    file.write(tamis_report::render(&runs).as_bytes())
        .with_context(|| format!("writing {file}"))?;
    eprintln!("tamis: report in {file}");
    Ok(Exit::Done)
}
