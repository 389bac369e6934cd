//! The one way the command line prints. Text from workspace files and CSVs
//! can hold control characters (a hostile `title` could hold an escape
//! sequence that rewrites the terminal): every line is passed through
//! [`crate::escape::visible`]. A closed pipe (`lodestar check | head`) is
//! not an error; any other failure to write stdout (a full disk, `>
//! /dev/full`) is remembered, and [`finish`] turns it into exit status 2
//! with a message, so a truncated output never looks like a success.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{FAILURE, OK};
use crate::escape::visible;

static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

fn failed(e: &std::io::Error) {
    if e.kind() != std::io::ErrorKind::BrokenPipe && !STDOUT_FAILED.swap(true, Ordering::SeqCst) {
        let _ = writeln!(
            std::io::stderr(),
            "error: cannot write the output: {}",
            crate::workspace::source::io_reason(e)
        );
    }
}

/// Print one line (a newline is added).
pub fn line(stream: Stream, s: &str) {
    let s = visible(s);
    match stream {
        Stream::Out => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out
                .write_all(s.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
            {
                failed(&e);
            }
        }
        Stream::Err => {
            let _ = writeln!(std::io::stderr(), "{s}");
        }
    }
}

/// Print a command's whole output; [`FAILURE`] when stdout cannot take it.
pub fn text(s: &str) -> u8 {
    let s = visible(s);
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        failed(&e);
    }
    if STDOUT_FAILED.load(Ordering::SeqCst) {
        FAILURE
    } else {
        OK
    }
}

/// The exit status of a command that returned `code`, after flushing
/// stdout: [`FAILURE`] if anything it printed was lost.
pub fn finish(code: u8) -> u8 {
    if let Err(e) = std::io::stdout().flush() {
        failed(&e);
    }
    if STDOUT_FAILED.load(Ordering::SeqCst) {
        FAILURE
    } else {
        code
    }
}
