//! Request counts per route template, overall, per project and per User-Agent, so tests
//! can assert how many requests a client really sent (e.g. retries). Suites share one
//! simulator and run side by side, so a test scopes its counts by the project it owns or
//! by a User-Agent only its clients send. The same middleware feeds the request log
//! (`requests.rs`), so both see exactly the same requests.

use std::collections::BTreeMap;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Stats {
    by_project: HashMap<String, BTreeMap<String, u64>>,
    by_user_agent: HashMap<String, BTreeMap<String, u64>>,
    all: BTreeMap<String, u64>,
}

/// Which requests a snapshot counts.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    Project(&'a str),
    UserAgent(&'a str),
}

fn bump(map: &mut HashMap<String, BTreeMap<String, u64>>, key: &str, route: &str) {
    *map.entry(key.to_owned())
        .or_default()
        .entry(route.to_owned())
        .or_default() += 1;
}

impl Stats {
    pub fn record(&mut self, project_id: Option<&str>, user_agent: Option<&str>, route: &str) {
        *self.all.entry(route.to_owned()).or_default() += 1;
        if let Some(p) = project_id {
            bump(&mut self.by_project, p, route);
        }
        if let Some(ua) = user_agent {
            bump(&mut self.by_user_agent, ua, route);
        }
    }

    pub fn snapshot(&self, scope: Scope<'_>) -> BTreeMap<String, u64> {
        let scoped = |map: &HashMap<String, BTreeMap<String, u64>>, key: &str| {
            map.get(key).cloned().unwrap_or_default()
        };
        match scope {
            Scope::All => self.all.clone(),
            Scope::Project(p) => scoped(&self.by_project, p),
            Scope::UserAgent(ua) => scoped(&self.by_user_agent, ua),
        }
    }

    pub fn clear(&mut self) {
        *self = Stats::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_project_per_user_agent_and_overall() {
        let mut s = Stats::default();
        s.record(Some("p1"), Some("a"), "POST /t");
        s.record(Some("p1"), Some("b"), "POST /t");
        s.record(Some("p2"), Some("a"), "GET /j");
        s.record(None, None, "GET /health");
        assert_eq!(s.snapshot(Scope::Project("p1")).get("POST /t"), Some(&2));
        assert_eq!(s.snapshot(Scope::Project("p2")).len(), 1);
        assert_eq!(s.snapshot(Scope::UserAgent("a")).values().sum::<u64>(), 2);
        assert_eq!(s.snapshot(Scope::UserAgent("b")).get("POST /t"), Some(&1));
        assert_eq!(s.snapshot(Scope::All).values().sum::<u64>(), 4);
        assert!(s.snapshot(Scope::Project("none")).is_empty());
        assert!(s.snapshot(Scope::UserAgent("none")).is_empty());
        s.clear();
        assert!(s.snapshot(Scope::All).is_empty());
    }
}
