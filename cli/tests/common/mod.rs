//! What the CLI's test binaries share: running `posgate`, reading its output, and a served
//! sandbox (`posgate sandbox serve --port 0`) killed when the test ends. Each binary takes it
//! with `mod common;` and uses a part.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

pub fn posgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_posgate")).args(args).output().expect("run posgate")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A journal file in a fresh directory of its own (`posgate-cli-<name>-<pid>` in the temp
/// directory); remove its parent when done.
pub fn temp_journal(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("posgate-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("journal.db")
}

/// A served sandbox process: killed (and reaped) when dropped.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `posgate sandbox serve --port 0`: the process and each simulated gateway's URL, in
/// the order it lists them (`sandbox <gateway>: <url>`).
pub fn serve() -> (Server, Vec<(String, String)>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_posgate"))
        .args(["sandbox", "serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sandbox");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut urls = Vec::new();
    for _ in posgate_sandbox::SIMULATED {
        let line = lines.next().expect("a line").expect("utf8");
        let rest = line.strip_prefix("sandbox ").unwrap_or_else(|| panic!("bad line {line:?}"));
        let (g, url) = rest.split_once(": ").unwrap_or_else(|| panic!("bad line {line:?}"));
        urls.push((g.to_string(), url.to_string()));
    }
    // Keep reading what the server prints: a pipe closed early would fail its next print.
    std::thread::spawn(move || lines.for_each(drop));
    (Server(child), urls)
}

/// The served sandbox's root URL (each gateway's URL is the root and `/<gateway>`).
pub fn serve_root() -> (Server, String) {
    let (server, urls) = serve();
    let (g, url) = &urls[0];
    (server, url.trim_end_matches(&format!("/{g}")).to_string())
}
