//! Helpers the end-to-end tests of the `dflint` binary share. Each test crate uses some of
//! them.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `dflint` binary with `args` in `cwd`.
pub fn dflint(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dflint"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("dflint runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Writes `text` to `dir/name`, creating the directories on the way.
pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
