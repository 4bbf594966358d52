//! The committed header is what cbindgen generates from the current sources, and its version
//! macros agree with Cargo.toml and `hazy_version()`.

use std::ffi::CStr;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/hazy.h"));
const COMMITTED: &str = include_str!("../include/hazy.h");

#[test]
fn committed_header_matches_a_fresh_generation() {
    if GENERATED != COMMITTED {
        let line = GENERATED
            .lines()
            .zip(COMMITTED.lines())
            .position(|(a, b)| a != b)
            .map_or_else(|| "their lengths".to_owned(), |n| format!("line {}", n + 1));
        panic!("include/hazy.h is stale (first difference at {line}): run `make header` and commit it");
    }
}

#[test]
fn version_macros_match_the_crate_and_the_library() {
    let version = env!("CARGO_PKG_VERSION");
    assert!(COMMITTED.contains(&format!("#define HAZY_VERSION \"{version}\"")));
    let parts: Vec<&str> = version.split('.').collect();
    for (name, value) in ["MAJOR", "MINOR", "PATCH"].iter().zip(parts) {
        assert!(COMMITTED.contains(&format!("#define HAZY_VERSION_{name} {value}\n")), "HAZY_VERSION_{name}");
    }
    let reported = unsafe { CStr::from_ptr(hazy::ffi::error::hazy_version()) };
    assert_eq!(reported.to_str().unwrap(), version);
}
