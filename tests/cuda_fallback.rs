//! The `cuda` binary on a machine without a GPU: `--device auto` trains on
//! the CPU and says why, `--device cuda` fails clearly (exit 2).
//!
//! It needs a binary built with `--features cuda` and a libcuda that answers
//! "no device", so it is ignored in the ordinary run; .ci/run builds both
//! with scripts/cuda-toolchain.sh and runs it (scripts/ci-cuda.sh) as
//!
//! ```sh
//! LODESTAR_CUDA_BIN=target/cuda/debug/lodestar \
//! LODESTAR_CUDA_LIBRARY_PATH="$LODESTAR_CUDA_STUB:$CUDA_HOME/lib" \
//!   cargo test --release --test cuda_fallback -- --ignored
//! ```
//!
//! The library path is given to the child process only (the stub libcuda
//! must never shadow a real driver of this process or of anything else).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cuda_binary() -> (PathBuf, String) {
    let bin = std::env::var_os("LODESTAR_CUDA_BIN").expect(
        "LODESTAR_CUDA_BIN must name a `--features cuda` build of lodestar (see this file's header)",
    );
    let libs = std::env::var("LODESTAR_CUDA_LIBRARY_PATH").expect(
        "LODESTAR_CUDA_LIBRARY_PATH must hold the stub libcuda.so.1 and the CUDA runtime libraries",
    );
    (PathBuf::from(bin), libs)
}

/// The example workspace with its first 1,000 rows of propensity.csv.
fn workspace() -> tempfile::TempDir {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces/example");
    let ws = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(&example).unwrap() {
        let f = f.unwrap();
        if f.path().extension().is_some_and(|e| e == "toml") {
            std::fs::copy(f.path(), ws.path().join(f.file_name())).unwrap();
        }
    }
    std::fs::create_dir(ws.path().join("data")).unwrap();
    for f in ["market-ai-retail.csv", "survey-responses.csv"] {
        std::fs::copy(example.join("data").join(f), ws.path().join("data").join(f)).unwrap();
    }
    let full = std::fs::read_to_string(example.join("data/propensity.csv")).unwrap();
    let small: String = full.lines().take(1001).map(|l| format!("{l}\n")).collect();
    std::fs::write(ws.path().join("data/propensity.csv"), small).unwrap();
    ws
}

fn train(ws: &Path, args: &[&str]) -> Output {
    let (bin, libs) = cuda_binary();
    Command::new(&bin)
        .arg("train")
        .arg(ws)
        .args(["--epochs", "1", "--seed", "7"])
        .args(args)
        .env("LD_LIBRARY_PATH", libs)
        .env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
#[ignore = "needs a --features cuda build and the stub libcuda (.ci/run provides both)"]
fn auto_falls_back_to_the_cpu_with_the_reason() {
    let ws = workspace();
    let out = train(ws.path(), &["--device", "auto", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["device"], "cpu");
    assert_eq!(
        j["engine"], "fused",
        "the CPU fast path is used after a fallback"
    );
    let why = j["device_fallback"].as_str().unwrap();
    // The reason is the driver's, not the CPU-only build's "no CUDA support":
    // this is the binary with CUDA compiled in.
    assert!(
        why.contains("CUDA device 0 unavailable") && why.contains("CUDA_ERROR_NO_DEVICE"),
        "{why}"
    );
    assert!(!why.contains("no CUDA support"), "{why}");
    // JSON on stdout stays clean; the fallback is also said on stderr.
    let err = text(&out.stderr);
    assert!(
        err.contains("--device auto") && err.contains("CUDA_ERROR_NO_DEVICE"),
        "{err}"
    );
    assert_eq!(j["epochs"].as_array().map(Vec::len), Some(1));

    // Text output names the device and the reason on its first line, and the
    // run's summary.toml records it.
    let out = train(ws.path(), &["--device", "auto"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let first = text(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        first.contains("device cpu (auto: CUDA device 0 unavailable")
            && first.contains("CUDA_ERROR_NO_DEVICE"),
        "{first}"
    );
    let run_id = first.split_whitespace().nth(1).unwrap();
    let summary = std::fs::read_to_string(ws.path().join("runs").join(run_id).join("summary.toml"))
        .unwrap_or_else(|e| panic!("summary.toml of {run_id}: {e}"));
    assert!(
        summary.contains("device-fallback = ") && summary.contains("CUDA_ERROR_NO_DEVICE"),
        "{summary}"
    );
}

#[test]
#[ignore = "needs a --features cuda build and the stub libcuda (.ci/run provides both)"]
fn device_cuda_fails_clearly_without_a_gpu() {
    let ws = workspace();
    for format in ["text", "json"] {
        let out = train(ws.path(), &["--device", "cuda", "--format", format]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {err}");
        assert!(
            err.contains("--device cuda: CUDA device 0 unavailable")
                && err.contains("CUDA_ERROR_NO_DEVICE")
                && err.contains("--device auto or cpu"),
            "{format}: {err}"
        );
        assert!(out.stdout.is_empty(), "{format}: {}", text(&out.stdout));
    }
    // Nothing was trained.
    assert!(!ws.path().join("runs").exists());
}

#[test]
#[ignore = "needs a --features cuda build and the stub libcuda (.ci/run provides both)"]
fn device_cpu_never_touches_the_driver() {
    let ws = workspace();
    let out = train(ws.path(), &["--device", "cpu", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (j["device"].as_str(), j["engine"].as_str()),
        (Some("cpu"), Some("fused"))
    );
    assert!(j["device_fallback"].is_null(), "{}", j["device_fallback"]);
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}
