//! Generates the C header from the Rust source with a pinned cbindgen, and gives the shared
//! library its SONAME.
//!
//! The header is written to `$OUT_DIR/hazy.h` on every build; with `HAZY_WRITE_HEADER=1`
//! (`make header`) it also replaces the committed `include/hazy.h`. A test compares the two,
//! so a change to the exported API that was not committed to the header fails `make test`.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap();

    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libhazy.so.{major}");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=HAZY_WRITE_HEADER");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is readable and valid");
    config.after_includes = Some(format!(
        "\n#define HAZY_VERSION \"{}\"\n#define HAZY_VERSION_MAJOR {}\n#define HAZY_VERSION_MINOR {}\n#define HAZY_VERSION_PATCH {}\n",
        env::var("CARGO_PKG_VERSION").unwrap(),
        major,
        env::var("CARGO_PKG_VERSION_MINOR").unwrap(),
        env::var("CARGO_PKG_VERSION_PATCH").unwrap(),
    ));
    let header = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    header.write_to_file(out_dir.join("hazy.h"));
    if env::var_os("HAZY_WRITE_HEADER").is_some_and(|v| v == "1") {
        header.write_to_file(crate_dir.join("include/hazy.h"));
    }
}
