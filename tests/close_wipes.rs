//! hazy_client_close leaves no token reachable: after close, no live heap allocation of the
//! process holds the access token, the refresh token or the credentials, in any form libhazy
//! sent or kept them in, although the client itself is not freed.
//!
//! A tracking global allocator records every live allocation (a fixed table, nothing allocated
//! inside the allocator) and zeroes memory as it is freed, so that what the scan finds is
//! exactly what the process can still reach. The token endpoint and the Hub are served from a
//! thread whose allocations are not tracked (they are the server's copies, not the library's),
//! over real connections that the client pools on two threads. The scan must find every
//! secret before close (proof that it sees the library's memory) and none after.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, UnsafeCell};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

use base64::Engine;
use hazy::auth::Credentials;
use hazy::runtime::block_on;
use hazy::{Client, Config, LogLevel, Record, Sink, Status};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use secrecy::{ExposeSecret, SecretString};

// Characters that encode differently in a form, a URL, JSON and base64, so each form is its own
// needle; each secret starts differently so that a hit names the secret.
const ACCESS: &str = "CloseAcc-3f9e+/=.eyJzdWIiOiJjbG9zZSJ9.c2ln";
const REFRESH: &str = "CloseRef-77d1+/=.eyJ0eXAiOiJSZWZyZXNoIn0.c2ln";
const SECRET: &str = "CloseSec-a0b1+/ =&x\"q";
const PASSWORD: &str = "ClosePwd-5c6d+/ =&y\"r";

// ------------------------------------------------------------------ the tracking allocator

const SLOTS: usize = 1 << 20;
/// In front of every allocation: the index of its slot, or UNTRACKED_SLOT.
const HEADER: usize = 16;
const UNTRACKED_SLOT: usize = usize::MAX;

struct Table {
    /// (address, size) of each live tracked allocation; (0, 0) when free.
    live: [(usize, usize); SLOTS],
    /// Free slot indices, a stack.
    free: [u32; SLOTS],
    free_top: usize,
    initialised: bool,
}

struct Tracking {
    lock: AtomicBool,
    table: UnsafeCell<Table>,
    overflowed: AtomicBool,
    tracked: AtomicUsize,
}

// SAFETY: the table is only touched with `lock` held.
unsafe impl Sync for Tracking {}

thread_local! {
    /// Set on threads (or stretches of the test) whose allocations are not the library's.
    static UNTRACKED: Cell<bool> = const { Cell::new(false) };
}

#[global_allocator]
static ALLOC: Tracking = Tracking {
    lock: AtomicBool::new(false),
    table: UnsafeCell::new(Table { live: [(0, 0); SLOTS], free: [0; SLOTS], free_top: 0, initialised: false }),
    overflowed: AtomicBool::new(false),
    tracked: AtomicUsize::new(0),
};

impl Tracking {
    fn with_table<R>(&self, f: impl FnOnce(&mut Table) -> R) -> R {
        while self.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            std::hint::spin_loop();
        }
        // SAFETY: the lock is held.
        let table = unsafe { &mut *self.table.get() };
        if !table.initialised {
            for (i, slot) in table.free.iter_mut().enumerate() {
                *slot = (SLOTS - 1 - i) as u32;
            }
            table.free_top = SLOTS;
            table.initialised = true;
        }
        let out = f(table);
        self.lock.store(false, Ordering::Release);
        out
    }

    fn pad(layout: Layout) -> usize {
        layout.align().max(HEADER)
    }
}

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pad = Self::pad(layout);
        let Ok(outer) = Layout::from_size_align(layout.size() + pad, layout.align().max(HEADER)) else {
            return std::ptr::null_mut();
        };
        // SAFETY: outer has a non-zero size.
        let base = unsafe { System.alloc(outer) };
        if base.is_null() {
            return base;
        }
        // SAFETY: pad <= outer size.
        let user = unsafe { base.add(pad) };
        let slot = if UNTRACKED.with(Cell::get) {
            UNTRACKED_SLOT
        } else {
            self.with_table(|t| {
                if t.free_top == 0 {
                    self.overflowed.store(true, Ordering::Relaxed);
                    return UNTRACKED_SLOT;
                }
                t.free_top -= 1;
                let slot = t.free[t.free_top] as usize;
                t.live[slot] = (user as usize, layout.size());
                self.tracked.fetch_add(1, Ordering::Relaxed);
                slot
            })
        };
        // SAFETY: the header lies inside the allocation, before `user`, and is aligned.
        unsafe { (user.sub(std::mem::size_of::<usize>()) as *mut usize).write(slot) };
        user
    }

    unsafe fn dealloc(&self, user: *mut u8, layout: Layout) {
        // SAFETY: written by alloc.
        let slot = unsafe { (user.sub(std::mem::size_of::<usize>()) as *mut usize).read() };
        if slot != UNTRACKED_SLOT {
            self.with_table(|t| {
                t.live[slot] = (0, 0);
                t.free[t.free_top] = slot as u32;
                t.free_top += 1;
            });
        }
        // Freed memory is unreachable: zero it, so that a later allocation reusing it cannot
        // show the scan bytes that nobody holds. Volatile, so the stores are not dropped as
        // dead before the free.
        for i in 0..layout.size() {
            // SAFETY: inside the allocation being freed.
            unsafe { user.add(i).write_volatile(0) };
        }
        let pad = Self::pad(layout);
        let outer = Layout::from_size_align(layout.size() + pad, layout.align().max(HEADER)).expect("as allocated");
        // SAFETY: base and outer are what alloc used.
        unsafe { System.dealloc(user.sub(pad), outer) };
    }
}

/// Marks this thread's allocations as not the library's until dropped.
struct Untracked(bool);

impl Untracked {
    fn new() -> Untracked {
        Untracked(UNTRACKED.with(|u| u.replace(true)))
    }
}

impl Drop for Untracked {
    fn drop(&mut self) {
        UNTRACKED.with(|u| u.set(self.0));
    }
}

/// For each needle, how many live tracked allocations hold it, and the sizes of a few.
fn scan(needles: &[(String, Vec<u8>)]) -> Vec<(usize, [usize; 4])> {
    // The result is made before the table is locked: nothing may allocate while it is.
    let mut hits = vec![(0usize, [0usize; 4]); needles.len()];
    ALLOC.with_table(|t| {
        for &(addr, size) in t.live.iter() {
            if addr == 0 || size == 0 {
                continue;
            }
            // SAFETY: a live allocation of `size` bytes (the library is idle during the scan).
            let bytes = unsafe { std::slice::from_raw_parts(addr as *const u8, size) };
            for (i, (_, needle)) in needles.iter().enumerate() {
                if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                    let (n, sizes) = &mut hits[i];
                    if *n < sizes.len() {
                        sizes[*n] = size;
                    }
                    *n += 1;
                }
            }
        }
    });
    hits
}

/// Every form in which libhazy sends or keeps `secret`: as is (headers, JSON), form- and
/// URL-encoded in either hex case, JSON-escaped, and base64 (HTTP Basic, JWT segments).
fn forms(name: &str, secret: &str) -> Vec<(String, Vec<u8>)> {
    const COMPONENT: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let all = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
    let comp = utf8_percent_encode(secret, COMPONENT).to_string();
    let json = serde_json::to_string(secret).unwrap();
    let mut out = vec![
        ("literal", secret.to_owned()),
        ("json", json.trim_matches('"').to_owned()),
        ("form", form.clone()),
        ("form-lowerhex", lower_hex(&form)),
        ("percent", all.clone()),
        ("percent-lowerhex", lower_hex(&all)),
        ("component", comp.clone()),
        ("component-lowerhex", lower_hex(&comp)),
        ("base64", base64::engine::general_purpose::STANDARD.encode(secret)),
        ("base64url", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret)),
    ];
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup_by(|a, b| a.1 == b.1);
    out.into_iter().map(|(form, text)| (format!("{name} ({form})"), text.into_bytes())).collect()
}

fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut rest = encoded.chars();
    while let Some(c) = rest.next() {
        out.push(c);
        if c == '%' {
            out.extend(rest.by_ref().take(2).map(|h| h.to_ascii_lowercase()));
        }
    }
    out
}

// ------------------------------------------------------------------ the servers

/// Keycloak's token endpoint at /token and the Hub under /api/, with keep-alive, from one
/// untracked thread per connection.
fn serve() -> String {
    let _untracked = Untracked::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        UNTRACKED.with(|u| u.set(true));
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            std::thread::spawn(move || {
                UNTRACKED.with(|u| u.set(true));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                loop {
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut length = 0;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if let Some((name, value)) = line.split_once(':') {
                            if name.eq_ignore_ascii_case("content-length") {
                                length = value.trim().parse().unwrap();
                            }
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    let answer = if request_line.starts_with("POST /token ") {
                        serde_json::json!({
                            "access_token": ACCESS, "refresh_token": REFRESH, "token_type": "Bearer",
                            "expires_in": 300, "refresh_expires_in": 1800,
                        })
                        .to_string()
                    } else {
                        r#"{"items":[]}"#.to_owned()
                    };
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    if writer.write_all(response.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// A sink at the most detailed level, so that the logger keeps every form of the tokens to
/// scrub records with. It keeps no record.
struct Discard;

impl Sink for Discard {
    fn level(&self) -> LogLevel {
        LogLevel::Trace
    }
    fn write(&self, _record: &Record) {}
}

// ------------------------------------------------------------------ the test

#[test]
fn close_leaves_no_token_reachable() {
    let (needles, base) = {
        let _untracked = Untracked::new();
        let mut needles = Vec::new();
        for (name, secret) in [("access token", ACCESS), ("refresh token", REFRESH), ("client secret", SECRET), ("password", PASSWORD)] {
            needles.extend(forms(name, secret));
        }
        (needles, serve())
    };

    let mut config = Config::default();
    config.set("host", &base).unwrap();
    config.set("token_url", &format!("{base}/token")).unwrap();
    config.log_sinks.push(Arc::new(Discard));
    let client = Client::new(config).unwrap();
    let credentials = Credentials::Password {
        client_id: "api".to_owned(),
        client_secret: Some(SecretString::from(SECRET.to_owned()).into()),
        username: "analyst".to_owned(),
        password: SecretString::from(PASSWORD.to_owned()).into(),
    };
    block_on(client.authenticate(Some(credentials))).unwrap().unwrap();
    let token = block_on(client.access_token()).unwrap().unwrap();
    assert_eq!(token.expose_secret(), ACCESS);
    drop(token);
    block_on(client.list_jobs("p")).unwrap().unwrap();

    // A second thread with its own runtime and pool, idle (not inside a call) when the client
    // closes: its connection has sent the token too.
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let (used_tx, used_rx) = mpsc::channel::<()>();
    let other = {
        let client = client.clone();
        std::thread::spawn(move || {
            block_on(client.list_jobs("p")).unwrap().unwrap();
            drop(client);
            used_tx.send(()).unwrap();
            done_rx.recv().unwrap();
        })
    };
    used_rx.recv().unwrap();

    assert!(!ALLOC.overflowed.load(Ordering::Relaxed), "the allocation table overflowed");
    assert!(ALLOC.tracked.load(Ordering::Relaxed) > 0);
    let before = scan(&needles);
    let missing: Vec<&str> = needles
        .iter()
        .zip(&before)
        .filter(|((name, _), (n, _))| *n == 0 && name.ends_with("(literal)"))
        .map(|((name, _), _)| name.as_str())
        .collect();
    assert!(missing.is_empty(), "the scan cannot see the library's copies of {missing:?}: it proves nothing");
    let seen: usize = before.iter().map(|(n, _)| n).sum();
    eprintln!("before close: {seen} hits over {} forms of 4 secrets", needles.len());

    client.close();

    assert!(!ALLOC.overflowed.load(Ordering::Relaxed), "the allocation table overflowed");
    let after = scan(&needles);
    let left: Vec<String> = needles
        .iter()
        .zip(&after)
        .filter(|(_, (n, _))| *n > 0)
        .map(|((name, _), (n, sizes))| format!("{name}: {n} allocation(s), sizes {:?}", &sizes[..(*n).min(4)]))
        .collect();
    assert!(left.is_empty(), "still reachable after close (the client is closed, not freed):\n{}", left.join("\n"));

    // Closed means closed: calls fail with CLOSED, on every clone, and close is idempotent.
    assert_eq!(block_on(client.access_token()).unwrap().unwrap_err().status(), Status::Closed);
    assert_eq!(block_on(client.list_jobs("p")).unwrap().unwrap_err().status(), Status::Closed);
    client.close();
    done_tx.send(()).unwrap();
    other.join().unwrap();
}
