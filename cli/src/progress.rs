//! Progress while waiting for a job, on standard error so that standard output stays the
//! result: a bar with state, percentage and elapsed time on a terminal; otherwise one plain
//! line per state change or 10% step, which reads well in a scheduler's log.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hazy::hub::Job;
use hazy::JobState;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::percent;

/// The bar on screen, if any, so that log lines (`-v`) are printed above it, not through it.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Runs `write` (which prints to standard error) with the bar, if one is drawn, cleared and
/// redrawn below what it printed.
pub fn above_bar(write: impl FnOnce()) {
    let bar = BAR.lock().unwrap_or_else(|p| p.into_inner()).clone();
    match bar {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

pub enum Progress {
    Quiet,
    Bar(ProgressBar),
    /// `json`: each line is a JSON object, so standard error stays parseable with --json.
    Lines { job_id: String, json: bool, started: Instant, last: Option<(JobState, u32)> },
}

impl Progress {
    pub fn new(quiet: bool, json: bool, job_id: &str) -> Progress {
        if quiet {
            return Progress::Quiet;
        }
        if !std::io::stderr().is_terminal() {
            return Progress::Lines { job_id: job_id.to_owned(), json, started: Instant::now(), last: None };
        }
        let bar = ProgressBar::with_draw_target(Some(100), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} job {prefix} {msg:<9} [{bar:30}] {percent:>3}% {elapsed_precise}")
            .expect("the template is valid")
            .progress_chars("=> ");
        bar.set_style(style);
        // Eight characters of the id fit an 80-column line; the full id is in the result.
        bar.set_prefix(job_id.chars().take(8).collect::<String>());
        bar.set_message("waiting");
        // Redraws between polls, so the elapsed time keeps moving.
        bar.enable_steady_tick(Duration::from_millis(200));
        *BAR.lock().unwrap_or_else(|p| p.into_inner()) = Some(bar.clone());
        Progress::Bar(bar)
    }

    pub fn update(&mut self, job: &Job) {
        match self {
            Progress::Quiet => {}
            Progress::Bar(bar) => {
                bar.set_message(job.state.name());
                bar.set_position(u64::from(percent(job.progress)));
            }
            Progress::Lines { job_id, json, started, last } => {
                let pct = percent(job.progress);
                let step = pct / 10;
                if last.is_some_and(|(state, s)| state == job.state && s == step) {
                    return;
                }
                *last = Some((job.state, step));
                let (state, elapsed) = (job.state.name(), started.elapsed().as_secs());
                let mut err = std::io::stderr().lock();
                let _ = if *json {
                    let line = serde_json::json!({"progress": {"job_id": job_id, "state": state, "percent": pct, "elapsed_s": elapsed}});
                    writeln!(err, "{line}")
                } else {
                    writeln!(err, "hazy: job {job_id} {state} {pct}% elapsed {elapsed}s")
                };
            }
        }
    }

    /// Leaves the last drawn state on screen (the bar stays, with its final state).
    pub fn finish(&mut self) {
        if let Progress::Bar(bar) = self {
            BAR.lock().unwrap_or_else(|p| p.into_inner()).take();
            if !bar.is_finished() {
                bar.abandon();
                // indicatif leaves the cursor on the bar's line; the result starts below it.
                eprintln!();
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
