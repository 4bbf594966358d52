//! The commands: each calls the library and prints its result; failures come back as the
//! library's `Error`, which `main` prints and turns into the exit code.

use hazy::hub::Job;
use hazy::{runtime, wait_for_job, CancelToken, Client, Error, JobState, Status, WaitOptions};
use secrecy::ExposeSecret;
use serde_json::json;

use crate::args::{AuthCommand, Command, Generate, Global, JobCommand, ListCommand, Train, WaitFlags};
use crate::exit;
use crate::interrupt::Interrupt;
use crate::output::Output;
use crate::progress::Progress;
use crate::settings::{self, Inputs};
use crate::token_info::TokenInfo;

struct Ctx {
    client: Client,
    out: Output,
    quiet: bool,
    inputs: Inputs,
}

/// Runs one command; Ok is the exit code of an outcome that was not a library error.
pub fn run(global: &Global, command: Command) -> Result<u8, Error> {
    let out = Output { json: global.json };
    if let Command::Version = command {
        out.result(
            &json!({"hazy": env!("CARGO_PKG_VERSION"), "libhazy": hazy::VERSION}),
            &format!("hazy {} (libhazy {})\n", env!("CARGO_PKG_VERSION"), hazy::VERSION),
        );
        return Ok(exit::SUCCESS);
    }
    let mut inputs = Inputs::new();
    let config = settings::config(global, &mut inputs)?;
    // Before a client is made: a configuration that cannot make one is what doctor explains.
    if let Command::Doctor(args) = &command {
        return crate::doctor::run(&config, args, out);
    }
    let mut ctx = Ctx { client: Client::new(config)?, out, quiet: global.quiet, inputs };
    match command {
        Command::Version | Command::Doctor(_) => unreachable!("handled above"),
        Command::Auth(AuthCommand::Check) => auth_check(&ctx),
        Command::Auth(AuthCommand::Token) => auth_token(&ctx),
        Command::Auth(AuthCommand::Logout) => auth_logout(&ctx),
        Command::Train(t) => train(&mut ctx, t),
        Command::Generate(g) => generate(&mut ctx, g),
        Command::Job(JobCommand::Get { id }) => {
            ctx.out.job(&block(ctx.client.job(&id))?);
            Ok(exit::SUCCESS)
        }
        Command::Job(JobCommand::Cancel { id }) => {
            ctx.out.job(&block(ctx.client.cancel_job(&id))?);
            Ok(exit::SUCCESS)
        }
        Command::Job(JobCommand::Wait { id, wait: flags }) => wait(&ctx, &id, &flags, None),
        Command::Jobs(ListCommand::List { project }) => {
            ctx.out.jobs(&block(ctx.client.list_jobs(&project))?);
            Ok(exit::SUCCESS)
        }
        Command::Models(ListCommand::List { project }) => {
            ctx.out.models(&block(ctx.client.list_models(&project))?);
            Ok(exit::SUCCESS)
        }
    }
}

/// Runs a library call on the library's runtime.
fn block<T>(future: impl std::future::Future<Output = Result<T, Error>>) -> Result<T, Error> {
    runtime::block_on(future)?
}

fn auth_check(ctx: &Ctx) -> Result<u8, Error> {
    block(ctx.client.authenticate(None))?;
    let token = block(ctx.client.access_token())?;
    // The token stays in this scope; only claims derived from it leave.
    let info = TokenInfo::from_jwt(token.expose_secret())
        .ok_or_else(|| Error::protocol("the access token is not a JWT: its principal and scopes cannot be shown"))?;
    ctx.out.result(&info.to_json(), &info.to_text());
    Ok(exit::SUCCESS)
}

/// The token itself, for `curl -H "Authorization: Bearer $(hazy auth token)"` and the like:
/// the one command that prints a token, and only on standard output.
fn auth_token(ctx: &Ctx) -> Result<u8, Error> {
    let token = block(ctx.client.access_token())?;
    let token = token.expose_secret();
    ctx.out.result(&json!({"access_token": token, "token_type": "Bearer"}), &format!("{token}\n"));
    Ok(exit::SUCCESS)
}

fn auth_logout(ctx: &Ctx) -> Result<u8, Error> {
    if ctx.client.config().token_cache.is_none() {
        return Err(Error::invalid_argument(
            "hazy auth logout ends the session whose tokens are in the token cache, and no cache is set: \
             add --token-cache (or set HAZY_TOKEN_CACHE); a hazy process keeps no tokens once it exits",
        ));
    }
    let done = block(ctx.client.logout())?;
    let text = if done.revoked == 0 && !done.cache_entry_removed {
        "nothing to log out: the token cache holds no tokens for this configuration\n".to_owned()
    } else {
        format!(
            "logged out: {} refresh token(s) revoked, {} session(s) ended, cache entry {}\n",
            done.revoked,
            done.sessions_ended,
            if done.cache_entry_removed { "removed" } else { "absent" }
        )
    };
    let value = json!({"revoked": done.revoked, "sessions_ended": done.sessions_ended, "cache_entry_removed": done.cache_entry_removed});
    ctx.out.result(&value, &text);
    Ok(exit::SUCCESS)
}

fn train(ctx: &mut Ctx, t: Train) -> Result<u8, Error> {
    let config = ctx.inputs.read("the training config", &t.config)?;
    let job = block(ctx.client.train_with_key(&t.project, &config, t.submit.idempotency_key.as_deref()))?;
    submitted(ctx, job, t.submit.wait_flags())
}

fn generate(ctx: &mut Ctx, g: Generate) -> Result<u8, Error> {
    let config = g.config.as_deref().map(|p| ctx.inputs.read("the generation config", p)).transpose()?;
    let job = block(ctx.client.generate_with_key(
        &g.project,
        &g.model,
        g.rows,
        config.as_deref(),
        g.submit.idempotency_key.as_deref(),
    ))?;
    submitted(ctx, job, g.submit.wait_flags())
}

fn submitted(ctx: &Ctx, job: Job, wait_flags: Option<WaitFlags>) -> Result<u8, Error> {
    match wait_flags {
        None => {
            ctx.out.job(&job);
            Ok(exit::SUCCESS)
        }
        Some(flags) => {
            if !ctx.quiet && !ctx.out.json {
                eprintln!("hazy: submitted {} job {} in project {}", job.kind.name(), job.id, job.project_id);
            }
            let id = job.id.clone();
            wait(ctx, &id, &flags, Some(job))
        }
    }
}

/// Follows a job to its end. A signal stops the wait; the job keeps running unless
/// `--cancel-on-interrupt` asks to cancel it.
fn wait(ctx: &Ctx, id: &str, flags: &WaitFlags, first: Option<Job>) -> Result<u8, Error> {
    let token = CancelToken::new();
    let interrupt = Interrupt::install(token.clone())?;
    let mut progress = Progress::new(ctx.quiet, ctx.out.json, id);
    let mut last = first;
    if let Some(job) = &last {
        progress.update(job);
    }
    let options = WaitOptions { timeout: flags.timeout, cancel: Some(token) };
    let result = wait_for_job(&ctx.client, id, &options, |job| {
        progress.update(job);
        last = Some(job.clone());
        true
    });
    progress.finish();
    drop(progress);
    match result {
        Ok(job) => {
            ctx.out.job(&job);
            Ok(exit::SUCCESS)
        }
        Err(e) if e.status() == Status::Cancelled && interrupt.received().is_some() => {
            interrupted(ctx, id, flags, interrupt.received().unwrap_or("signal"))
        }
        Err(e) => {
            // A job that ended failed or cancelled is a result too: scripts read its reason.
            if let Some(job) = last.filter(|j| j.state.is_terminal() && j.state != JobState::Succeeded) {
                ctx.out.job(&job);
                return Err(e);
            }
            Err(resumable(e, id))
        }
    }
}

/// A wait that gave up while the job may still run (deadline, network, server) says how to resume.
fn resumable(e: Error, id: &str) -> Error {
    match e.status() {
        Status::Timeout | Status::Network | Status::Server => {
            let message = format!("{}; the job may still be running: resume with `hazy job wait {id}`", e.message());
            let resumable = Error::new(e.status(), message).with_http_status(e.http_status());
            match e.request_id() {
                Some(request_id) => resumable.with_request_id(request_id),
                None => resumable,
            }
        }
        _ => e,
    }
}

fn interrupted(ctx: &Ctx, id: &str, flags: &WaitFlags, signal: &str) -> Result<u8, Error> {
    if flags.cancel_on_interrupt {
        return match block(ctx.client.cancel_job(id)) {
            Ok(job) => {
                report(ctx, signal, id, &format!("cancelled job {id} on the Hub"), exit::CANCELLED, false);
                ctx.out.job(&job);
                Ok(exit::CANCELLED)
            }
            Err(e) => {
                report(ctx, signal, id, &format!("could not cancel job {id}; it may still be running"), 0, true);
                Err(e)
            }
        };
    }
    report(ctx, signal, id, &format!("stopped waiting; job {id} is still running on the Hub"), exit::INTERRUPTED, true);
    Ok(exit::INTERRUPTED)
}

/// The interruption notice on standard error, with how to resume.
fn report(ctx: &Ctx, signal: &str, id: &str, what: &str, code: u8, resumable: bool) {
    let resume = format!("hazy job wait {id}");
    if ctx.out.json {
        let mut notice = json!({"status": "INTERRUPTED", "signal": signal, "job_id": id, "message": what});
        if code != 0 {
            notice["exit_code"] = json!(code);
        }
        if resumable {
            notice["resume"] = json!(resume);
        }
        eprintln!("{}", json!({ "interrupted": notice }));
    } else {
        eprintln!("hazy: interrupted by {signal}: {what}");
        if resumable {
            eprintln!("hazy: resume with: {resume}");
        }
    }
}
