//! SIGINT and SIGTERM during a wait: the first one stops the wait through the library's
//! cancel token (the job on the Hub is left alone unless asked); a second one exits at once,
//! for a user whose `--cancel-on-interrupt` request hangs on a dead network.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

use hazy::{CancelToken, Error, Status};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::exit;

/// Which signal stopped the wait, 0 while none has.
#[derive(Clone)]
pub struct Interrupt {
    signal: Arc<AtomicI32>,
}

impl Interrupt {
    /// Routes the two signals to `token` from here on.
    pub fn install(token: CancelToken) -> Result<Interrupt, Error> {
        let mut signals = Signals::new([SIGINT, SIGTERM])
            .map_err(|e| Error::new(Status::InvalidState, format!("cannot handle signals: {e}")))?;
        let signal = Arc::new(AtomicI32::new(0));
        let seen = signal.clone();
        std::thread::Builder::new()
            .name("hazy-signals".to_owned())
            .spawn(move || {
                for sig in signals.forever() {
                    if seen.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
                        token.cancel();
                    } else {
                        eprintln!("hazy: second {}: exiting now", name(sig));
                        std::process::exit(i32::from(exit::INTERRUPTED));
                    }
                }
            })
            .map_err(|e| Error::new(Status::InvalidState, format!("cannot start the signal thread: {e}")))?;
        Ok(Interrupt { signal })
    }

    /// The signal's name, if one arrived.
    pub fn received(&self) -> Option<&'static str> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            sig => Some(name(sig)),
        }
    }
}

fn name(sig: i32) -> &'static str {
    match sig {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        _ => "signal",
    }
}
