//! The real binary in a pseudo-terminal, read back through a vt100 parser;
//! shared by the pty test files (`mod pty;`).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<AtomicUsize>,
}

pub const WAIT: Duration = Duration::from_secs(30);

impl Tui {
    pub fn start(dir: &Path, cols: u16, rows: u16) -> Tui {
        Tui::start_with_config(dir, cols, rows, &dir.join("no-such-config.toml"))
    }

    /// [`Tui::start`] with `LODESTAR_CONFIG` pointing at `config`.
    pub fn start_with_config(dir: &Path, cols: u16, rows: u16, config: &Path) -> Tui {
        Tui::start_args(&[dir.as_os_str()], cols, rows, config)
    }

    /// The binary with `args` (e.g. `vote DIR --as NAME`).
    pub fn start_args(args: &[&std::ffi::OsStr], cols: u16, rows: u16, config: &Path) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lodestar"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LODESTAR_TODAY", "2026-11-29");
        cmd.env("LODESTAR_CONFIG", config);
        // English unless a test asks otherwise (`--lang`, a config file).
        cmd.env("LC_ALL", "C.UTF-8");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let bytes = Arc::new(AtomicUsize::new(0));
        let (p, b) = (parser.clone(), bytes.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                b.fetch_add(n, Ordering::SeqCst);
                if let Ok(mut parser) = p.lock() {
                    parser.process(&buf[..n]);
                }
            }
        });
        Tui {
            child,
            master: pair.master,
            writer,
            parser,
            bytes,
        }
    }

    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    pub fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("`{needle}` did not appear; screen:\n{}", self.screen());
    }

    pub fn wait_gone(&self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if !self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("`{needle}` did not go away; screen:\n{}", self.screen());
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
        // Let the program read keys one event at a time, as typed.
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
        if let Ok(mut p) = self.parser.lock() {
            p.screen_mut().set_size(rows, cols);
        }
    }

    pub fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        false
    }

    pub fn kill_9(&mut self) {
        let pid = self.child.process_id().expect("pid");
        let status = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        assert!(self.wait_exit(), "killed process did not exit");
    }

    /// Bytes written to the terminal since the last call.
    pub fn take_bytes(&self) -> usize {
        self.bytes.swap(0, Ordering::SeqCst)
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
