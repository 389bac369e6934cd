//! Tests that need an NVIDIA GPU and a `--features cuda` build. Ignored
//! everywhere else; benches/gpu.sh runs them on a GPU machine:
//!
//! ```sh
//! cargo test --release --features cuda --test gpu -- --ignored
//! ```
//!
//! The candle engine is the one that runs on CUDA; these hold it, on the
//! GPU, to the fused CPU step (which tests/train_engines.rs holds to candle
//! on the CPU), with the CPU tests' tolerances. They have not yet been run on
//! a GPU (docs/PERFORMANCE.md, "GPU").

use candle_core::{DType, Device, Tensor};
use lodestar::train::autograd::CandleStep;
use lodestar::train::config::{Activation, Engine, Overrides, TrainConfig};
use lodestar::train::fused::FusedStep;
use lodestar::train::net::{Adam, NetShape};
use lodestar::train::rng::Rng;
use lodestar::train::{self, DeviceRequest};
use lodestar::workspace::model::Training;

const NEEDS_GPU: &str = "needs an NVIDIA GPU and --features cuda (benches/gpu.sh)";

fn gpu() -> Device {
    Device::new_cuda(0).unwrap_or_else(|e| panic!("CUDA device 0: {e} ({NEEDS_GPU})"))
}

fn adam() -> Adam {
    Adam {
        lr: 1e-2,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-7,
        weight_decay: 0.0,
    }
}

/// `|a − b| ≤ rel · max(|b|, 1 % of the largest |b|)` element by element
/// (the rule of tests/train_engines.rs).
fn assert_close(what: &str, a: &[f32], b: &[f32], rel: f64) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    let scale = b.iter().fold(0f64, |m, &v| m.max(f64::from(v).abs()));
    for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
        let (x, y) = (f64::from(x), f64::from(y));
        let tol = rel * y.abs().max(0.01 * scale);
        assert!(
            (x - y).abs() <= tol,
            "{what}: [{i}] {x} vs {y} (tol {tol:e})"
        );
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU and --features cuda (benches/gpu.sh)"]
fn auto_and_cuda_choose_the_gpu() {
    for request in [DeviceRequest::Auto, DeviceRequest::Cuda] {
        let c = train::device::choose_device(request)
            .unwrap_or_else(|e| panic!("{request:?}: {e} ({NEEDS_GPU})"));
        assert_eq!(c.name, "cuda:0", "{request:?}");
        assert!(c.fallback.is_none(), "{request:?}: {:?}", c.fallback);
        assert!(c.device.is_cuda());
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU and --features cuda (benches/gpu.sh)"]
fn candle_on_the_gpu_steps_like_the_fused_cpu_step() {
    let device = gpu();
    let shape = NetShape::new(22, &[128, 64]);
    let mut rng = Rng::new(17);
    for act in [Activation::Relu, Activation::Tanh, Activation::Sigmoid] {
        let rows = 256;
        let params = shape.init(&mut rng);
        let mut fused = FusedStep::new(shape.clone(), act, adam(), params.clone(), rows, 1);
        let mut candle =
            CandleStep::new(shape.clone(), act, adam(), &params, &device, DType::F32).unwrap();
        for step in 1..=5 {
            let x: Vec<f32> = (0..rows * 22)
                .map(|_| (rng.next_f64() * 4.0 - 2.0) as f32)
                .collect();
            let y: Vec<f32> = (0..rows)
                .map(|_| f32::from(u8::from(rng.next_f64() < 0.4)))
                .collect();
            let w = vec![1f32; rows];
            let mut logits = Vec::new();
            fused.step(&x, &y, &w, rows, None, &mut logits);
            let t = |v: &[f32], cols: usize| Tensor::from_slice(v, (rows, cols), &device).unwrap();
            candle.step(&t(&x, 22), &t(&y, 1), &t(&w, 1), None).unwrap();
            assert_close(
                &format!("{act:?} after step {step}"),
                &fused.params,
                &candle.params().unwrap(),
                1e-4,
            );
        }
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU and --features cuda (benches/gpu.sh)"]
fn training_on_the_gpu_reaches_the_cpu_validation_auc() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let src = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/workspaces/example/data/propensity.csv"
    );
    std::fs::copy(src, dir.path().join("data/propensity.csv")).unwrap();
    let t = Training {
        data_file: "data/propensity.csv".into(),
        target: "accepted_offer".into(),
        positive: "yes".into(),
        exclude: vec!["customer_id".into()],
        ..Training::default()
    };
    let run = |device, engine| {
        let c = TrainConfig::resolve(
            &t,
            &Overrides {
                device: Some(device),
                threads: Some(1),
                engine: Some(engine),
                ..Overrides::default()
            },
        )
        .unwrap();
        train::train_blocking(dir.path(), c).unwrap()
    };
    let cpu = run(DeviceRequest::Cpu, Engine::Fused);
    let gpu = run(DeviceRequest::Cuda, Engine::Auto);
    assert_eq!((gpu.device.as_str(), gpu.engine), ("cuda:0", "candle"));
    let best = |s: &train::Summary| s.epochs[s.best_epoch.unwrap() - 1].valid.unwrap().auc;
    let last = |s: &train::Summary| s.epochs.last().unwrap().valid.unwrap().auc;
    for (what, c, g) in [
        ("best epoch", best(&cpu), best(&gpu)),
        ("last epoch", last(&cpu), last(&gpu)),
    ] {
        assert!((c - g).abs() < 0.005, "{what}: CPU {c:.4}, GPU {g:.4}");
    }
}
