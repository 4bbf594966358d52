//! Where a generation job's rows go. The Hub writes them to the generation config's
//! `output_location`, or to a place of its own when the config names none, and echoes the
//! location on the job. The simulator writes real rows only to `file://` locations, when it
//! first reports the job succeeded, so that a test or a user can find them; other schemes are
//! echoed only.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::jobs::{JobView, Kind, State};

/// The file the rows go to, inside the location.
pub const ROWS_FILE: &str = "rows.csv";
/// The simulator writes at most this many rows, whatever `num_rows` asks for.
pub const MAX_ROWS_WRITTEN: u64 = 10_000;
const MAX_LEN: usize = 2048;

/// The default location's parent: a folder of the system's temporary directory.
pub fn default_root() -> String {
    let dir = std::env::temp_dir().join("hazy-hub-sim").join("generated");
    format!("file://{}", dir.display())
}

/// A location the simulator accepts: 1 to 2048 characters, none of them a control character or
/// white space (the contract's pattern); a `file://` one must be an absolute path with no `..`
/// segment.
pub fn is_valid(location: &str) -> bool {
    let visible = !location.is_empty()
        && location.chars().count() <= MAX_LEN
        && location
            .chars()
            .all(|c| !c.is_control() && !c.is_whitespace());
    visible
        && local_dir(location)
            .is_none_or(|p| p.is_absolute() && !p.components().any(|c| c.as_os_str() == ".."))
}

fn local_dir(location: &str) -> Option<PathBuf> {
    location.strip_prefix("file://").map(PathBuf::from)
}

/// Writes the rows of a succeeded generation job whose location is local, once: a later call
/// finds the file and leaves it. Failures are logged, never the client's problem.
pub fn deliver(job: &JobView) {
    if job.kind != Kind::Generate || job.state != State::Succeeded {
        return;
    }
    let Some(dir) = job.output_location.as_deref().and_then(local_dir) else {
        return;
    };
    if let Err(e) = write_rows(&dir, job) {
        eprintln!(
            "hazy-hub-sim: could not write the rows of job {} to {}: {e}",
            job.id,
            dir.display()
        );
    }
}

fn write_rows(dir: &Path, job: &JobView) -> std::io::Result<()> {
    let target = dir.join(ROWS_FILE);
    if target.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    // A unique name, then a rename: two requests reporting the job at once both end with one
    // whole file, never a half-written one.
    let tmp = dir.join(format!(".{ROWS_FILE}.{}", uuid::Uuid::new_v4()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    let model = job.model_id.as_deref().unwrap_or_default();
    writeln!(out, "row,model_id")?;
    for row in 1..=job.num_rows.unwrap_or(0).min(MAX_ROWS_WRITTEN) {
        writeln!(out, "{row},{model}")?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, &target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        for ok in [
            "s3://bucket/out/",
            "gs://b/x",
            "file:///data/out/",
            "az://c/p",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
        let long = format!("s3://{}", "a".repeat(MAX_LEN));
        for bad in [
            "",
            "s3://b/a b",
            "file://relative/dir",
            "file:///data/../etc",
            "s3://b/\n",
            long.as_str(),
        ] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }

    fn job(state: State, location: &str) -> JobView {
        JobView {
            id: "j1".into(),
            project_id: "p".into(),
            kind: Kind::Generate,
            state,
            progress: 1.0,
            model_id: Some("m1".into()),
            failure_reason: None,
            num_rows: Some(3),
            output_location: Some(location.into()),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn rows_appear_once_the_job_succeeded() {
        let dir = std::env::temp_dir().join(format!("hazy-sim-out-{}", uuid::Uuid::new_v4()));
        let location = format!("file://{}/", dir.display());
        deliver(&job(State::Running, &location));
        assert!(
            !dir.join(ROWS_FILE).exists(),
            "no rows before the job succeeded"
        );
        deliver(&job(State::Succeeded, &location));
        let rows = std::fs::read_to_string(dir.join(ROWS_FILE)).unwrap();
        assert_eq!(rows, "row,model_id\n1,m1\n2,m1\n3,m1\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
