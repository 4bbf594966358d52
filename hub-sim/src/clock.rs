//! Wall-clock milliseconds that never go backwards.
//!
//! Job progress is derived from timestamps, so a system clock step backwards
//! would make progress decrease. We take the wall clock once at start-up and
//! advance it with a monotonic `Instant` from then on.
//!
//! Tests move a clock forward with `advance` (clones share it), e.g. past a
//! token's `exp`, instead of sleeping.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug)]
pub struct Clock {
    base_wall_ms: u64,
    base: Instant,
    advanced_ms: Arc<AtomicU64>,
}

impl Clock {
    pub fn new() -> Self {
        let base_wall_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Clock {
            base_wall_ms,
            base: Instant::now(),
            advanced_ms: Arc::new(AtomicU64::new(0)),
        }
    }

    pub fn now_ms(&self) -> u64 {
        self.base_wall_ms
            + self.base.elapsed().as_millis() as u64
            + self.advanced_ms.load(Ordering::Relaxed)
    }

    /// Seconds since the epoch, as JWT `exp`/`nbf` count them.
    pub fn now_s(&self) -> i64 {
        (self.now_ms() / 1000) as i64
    }

    /// Moves this clock and all its clones forward; never backwards.
    pub fn advance(&self, by: Duration) {
        self.advanced_ms
            .fetch_add(by.as_millis() as u64, Ordering::Relaxed);
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

/// RFC 3339 UTC timestamp with millisecond precision, e.g. `2026-01-02T03:04:05.678Z`.
pub fn rfc3339(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, sod) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        ms % 1000
    )
}

// Howard Hinnant's days-to-civil algorithm; avoids a date crate for one function.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe as i64 + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(1_767_323_045_678), "2026-01-02T03:04:05.678Z");
        assert_eq!(rfc3339(4_102_444_799_999), "2099-12-31T23:59:59.999Z");
    }

    #[test]
    fn clock_is_monotonic() {
        let c = Clock::new();
        let a = c.now_ms();
        let b = c.now_ms();
        assert!(b >= a);
    }

    #[test]
    fn advance_moves_every_clone() {
        let c = Clock::new();
        let shared = c.clone();
        let before = shared.now_s();
        c.advance(Duration::from_secs(600));
        assert!(shared.now_s() >= before + 600);
    }
}
