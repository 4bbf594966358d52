//! Tokens whose signature was already verified, so that a client reusing its
//! token costs one RSA verification per token lifetime instead of one per
//! request, as in a production resource server.
//!
//! Keyed by the SHA-256 of the token, never the token itself: the map holds
//! no bearer credential, and a cryptographic hash cannot be steered into a
//! collision that would let one token ride on another's verification.
//! Bounded: at capacity, expired entries go first, then the one expiring soonest.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

pub type TokenHash = [u8; 32];

pub fn token_hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

pub struct TokenCache<V> {
    capacity: usize,
    // Entries carry their `exp` (seconds) so eviction needs no look into V.
    map: Mutex<HashMap<TokenHash, (i64, Arc<V>)>>,
}

impl<V> TokenCache<V> {
    pub fn new(capacity: usize) -> Self {
        TokenCache {
            capacity: capacity.max(1),
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The cached value; the caller still checks expiry, since leeway and the clock are its own.
    pub fn get(&self, key: &TokenHash) -> Option<Arc<V>> {
        self.map.lock().unwrap().get(key).map(|(_, v)| v.clone())
    }

    pub fn remove(&self, key: &TokenHash) {
        self.map.lock().unwrap().remove(key);
    }

    /// Inserts; `dead_before` is the `exp` below which an entry can no longer be accepted.
    pub fn insert(&self, key: TokenHash, exp: i64, value: Arc<V>, dead_before: i64) {
        let mut map = self.map.lock().unwrap();
        if map.len() >= self.capacity && !map.contains_key(&key) {
            map.retain(|_, (e, _)| *e >= dead_before);
            if map.len() >= self.capacity {
                // O(capacity), but only for a new token at capacity, which has just paid
                // for an RSA verification that costs far more.
                if let Some(soonest) = map.iter().min_by_key(|(_, (e, _))| *e).map(|(k, _)| *k) {
                    map.remove(&soonest);
                }
            }
        }
        map.insert(key, (exp, value));
    }

    pub fn len(&self) -> usize {
        self.map.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_of_the_token() {
        let h = token_hash("abc");
        assert_eq!(h[..4], [0xba, 0x78, 0x16, 0xbf]);
        assert_ne!(token_hash("abc"), token_hash("abd"));
    }

    #[test]
    fn bounded_evicts_expired_first_then_soonest_expiring() {
        let c = TokenCache::new(3);
        c.insert(token_hash("dead"), 10, Arc::new("dead"), 0);
        c.insert(token_hash("late"), 300, Arc::new("late"), 0);
        c.insert(token_hash("soon"), 200, Arc::new("soon"), 0);
        // Full: "dead" has expired by now (dead_before 100), so it alone goes.
        c.insert(token_hash("new1"), 400, Arc::new("new1"), 100);
        assert_eq!(c.len(), 3);
        assert!(c.get(&token_hash("dead")).is_none());
        // Full, nothing expired: the soonest expiring goes.
        c.insert(token_hash("new2"), 500, Arc::new("new2"), 100);
        assert_eq!(c.len(), 3);
        assert!(c.get(&token_hash("soon")).is_none());
        for kept in ["late", "new1", "new2"] {
            assert_eq!(c.get(&token_hash(kept)).as_deref(), Some(&kept));
        }
    }

    #[test]
    fn reinserting_a_key_at_capacity_evicts_nothing() {
        let c = TokenCache::new(2);
        c.insert(token_hash("a"), 100, Arc::new(1), 0);
        c.insert(token_hash("b"), 100, Arc::new(2), 0);
        c.insert(token_hash("a"), 100, Arc::new(3), 0);
        assert_eq!(c.len(), 2);
        assert_eq!(c.get(&token_hash("a")).as_deref(), Some(&3));
        c.remove(&token_hash("a"));
        assert_eq!(c.len(), 1);
    }
}
