//! Generates the C header from src/ (cbindgen, configured by cbindgen.toml) into $OUT_DIR/zts.h, where
//! tests/header.rs compares it with the committed include/zts.h and packaging/build.sh ships it; and
//! gives the shared library the soname libzts.so.0 on Linux, so C programs link to the ABI's major
//! version (see docs/packaging.md).

use std::env;
use std::path::PathBuf;

/// The soname's number. It changes only when a release breaks the C ABI (removes or changes a
/// function); new functions and statuses keep it.
const ABI_MAJOR: u32 = 0;

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");

    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("read cbindgen.toml");
    cbindgen::Builder::new()
        .with_crate(&root)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header from src/")
        .write_to_file(out.join("zts.h"));

    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libzts.so.{ABI_MAJOR}");
        // A build id lets debuggers and debuginfod match the stripped library with its debug file.
        println!("cargo:rustc-cdylib-link-arg=-Wl,--build-id");
    }
}
