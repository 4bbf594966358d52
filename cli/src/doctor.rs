//! `hazy doctor`: the library's walk of the tutorial's setup (hazy::doctor), printed as text
//! or as one JSON object. The exit code is that of the first failing step's status, as if a
//! command had met that failure, so a script tells "fix the credentials" (3) from "fix the
//! CA bundle" (12) without reading the report.

use hazy::{runtime, Config, Error};

use crate::args::Doctor;
use crate::exit;
use crate::output::Output;

pub fn run(config: &Config, args: &Doctor, out: Output) -> Result<u8, Error> {
    let options = hazy::doctor::Options { project: args.project.clone() };
    let report = runtime::block_on(hazy::doctor::run(config, &options))?;
    let code = exit::for_status(report.status());
    let mut json = report.to_json();
    json["exit_code"] = code.into();
    out.result(&json, &report.to_text());
    Ok(code)
}
