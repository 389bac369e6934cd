//! The fused CPU step is only a fast path: these tests hold it to candle's
//! autograd (gradients and Adam steps on random batches, relative 1e-4 in
//! f32), to central finite differences of an independent f64 loss, and to
//! the same validation AUC as the candle engine on the sample data.

use candle_core::{DType, Device, Tensor};
use lodestar::train::autograd::CandleStep;
use lodestar::train::config::{Activation, Engine, Overrides, TrainConfig};
use lodestar::train::fused::FusedStep;
use lodestar::train::net::{Adam, NetShape, dropout_masks};
use lodestar::train::rng::Rng;
use lodestar::train::{self, DeviceRequest};
use lodestar::workspace::model::Training;

/// A random batch: `x` roughly standardised, 0/1 labels, positive weights.
struct Batch {
    rows: usize,
    x: Vec<f32>,
    y: Vec<f32>,
    w: Vec<f32>,
    masks: Option<Vec<Vec<f32>>>,
}

fn batch(shape: &NetShape, rows: usize, dropout: f32, rng: &mut Rng) -> Batch {
    let x = (0..rows * shape.dims[0])
        .map(|_| (rng.next_f64() * 4.0 - 2.0) as f32)
        .collect();
    let y = (0..rows)
        .map(|_| f32::from(u8::from(rng.next_f64() < 0.4)))
        .collect();
    let w = (0..rows).map(|_| (0.5 + rng.next_f64()) as f32).collect();
    let masks = (dropout > 0.0).then(|| {
        let mut m = Vec::new();
        dropout_masks(shape, rows, dropout, rng, &mut m);
        m
    });
    Batch {
        rows,
        x,
        y,
        w,
        masks,
    }
}

fn adam(weight_decay: f64) -> Adam {
    Adam {
        lr: 1e-2,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-7,
        weight_decay,
    }
}

struct OnDevice {
    x: Tensor,
    y: Tensor,
    w: Tensor,
    masks: Option<Vec<Tensor>>,
}

fn on_device(shape: &NetShape, b: &Batch) -> OnDevice {
    let d = &Device::Cpu;
    OnDevice {
        x: Tensor::from_slice(&b.x, (b.rows, shape.dims[0]), d).unwrap(),
        y: Tensor::from_slice(&b.y, (b.rows, 1), d).unwrap(),
        w: Tensor::from_slice(&b.w, (b.rows, 1), d).unwrap(),
        masks: b.masks.as_ref().map(|ms| {
            ms.iter()
                .map(|m| Tensor::from_slice(m, (b.rows, m.len() / b.rows), d).unwrap())
                .collect()
        }),
    }
}

/// `|a − b| ≤ rel · |b|` element by element, except that entries much
/// smaller than the vector's largest are compared at `rel ·` 1 % of it
/// (an f32 sum of cancelling terms has no relative precision at zero).
fn assert_close(what: &str, a: &[f64], b: &[f64], rel: f64) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut worst = (0.0f64, 0usize);
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let err = (x - y).abs() / y.abs().max(scale * 1e-2).max(1e-30);
        if err > worst.0 {
            worst = (err, i);
        }
    }
    assert!(
        worst.0 <= rel,
        "{what}: relative error {:.2e} at {} ({} vs {}), allowed {rel:.0e}",
        worst.0,
        worst.1,
        a[worst.1],
        b[worst.1]
    );
}

fn f64s(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| f64::from(x)).collect()
}

const ACTIVATIONS: [Activation; 3] = [Activation::Relu, Activation::Tanh, Activation::Sigmoid];

#[test]
fn fused_gradients_equal_candle_autograd_on_random_batches() {
    let shape = NetShape::new(9, &[16, 8]);
    let mut rng = Rng::new(7);
    for act in ACTIVATIONS {
        for dropout in [0.0, 0.25] {
            for rows in [1, 5, 32] {
                let params = shape.init(&mut rng);
                let b = batch(&shape, rows, dropout, &mut rng);
                let mut fused =
                    FusedStep::new(shape.clone(), act, adam(0.0), params.clone(), rows, 1);
                let mut logits = Vec::new();
                fused.backward(&b.x, &b.y, &b.w, rows, b.masks.as_deref(), &mut logits);
                let candle = CandleStep::new(
                    shape.clone(),
                    act,
                    adam(0.0),
                    &params,
                    &Device::Cpu,
                    DType::F32,
                )
                .unwrap();
                let t = on_device(&shape, &b);
                let g = candle
                    .gradients(&t.x, &t.y, &t.w, t.masks.as_deref())
                    .unwrap();
                assert_close(
                    &format!("{act:?} dropout {dropout} rows {rows}"),
                    &f64s(fused.grad()),
                    &g,
                    1e-4,
                );
            }
        }
    }
}

#[test]
fn fused_adam_steps_equal_candle_adamw_as_keras_adam() {
    let shape = NetShape::new(6, &[12, 5]);
    let mut rng = Rng::new(11);
    for act in ACTIVATIONS {
        for weight_decay in [0.0, 0.05] {
            let params = shape.init(&mut rng);
            let mut fused = FusedStep::new(
                shape.clone(),
                act,
                adam(weight_decay),
                params.clone(),
                32,
                1,
            );
            let mut candle = CandleStep::new(
                shape.clone(),
                act,
                adam(weight_decay),
                &params,
                &Device::Cpu,
                DType::F32,
            )
            .unwrap();
            // One step, then a few more (Adam's bias correction changes with t).
            for step in 1..=5 {
                let b = batch(&shape, 32, 0.0, &mut rng);
                let mut logits = Vec::new();
                fused.step(&b.x, &b.y, &b.w, 32, None, &mut logits);
                let t = on_device(&shape, &b);
                candle.step(&t.x, &t.y, &t.w, None).unwrap();
                assert_close(
                    &format!("{act:?} decay {weight_decay} after step {step}"),
                    &f64s(&fused.params),
                    &f64s(&candle.params().unwrap()),
                    1e-4,
                );
            }
        }
    }
}

/// The first Adam step by hand, Keras' formula: with `m = (1−β1)g`,
/// `v = (1−β2)g²`, `p ← p − lr·√(1−β2)/(1−β1) · m/(√v + ε)`.
#[test]
fn first_adam_step_is_keras_formula() {
    let shape = NetShape::new(3, &[2]);
    let params = shape.init(&mut Rng::new(5));
    let b = batch(&shape, 4, 0.0, &mut Rng::new(6));
    let a = adam(0.0);
    let mut fused = FusedStep::new(shape.clone(), Activation::Tanh, a, params.clone(), 4, 1);
    let mut logits = Vec::new();
    fused.backward(&b.x, &b.y, &b.w, 4, None, &mut logits);
    let g = f64s(fused.grad());
    let expected: Vec<f64> = params
        .iter()
        .zip(&g)
        .map(|(&p, &g)| {
            let (m, v) = ((1.0 - a.beta1) * g, (1.0 - a.beta2) * g * g);
            f64::from(p)
                - a.lr * (1.0 - a.beta2).sqrt() / (1.0 - a.beta1) * m / (v.sqrt() + a.epsilon)
        })
        .collect();
    let mut candle = CandleStep::new(
        shape.clone(),
        Activation::Tanh,
        a,
        &params,
        &Device::Cpu,
        DType::F32,
    )
    .unwrap();
    let t = on_device(&shape, &b);
    candle.step(&t.x, &t.y, &t.w, None).unwrap();
    assert_close("candle", &f64s(&candle.params().unwrap()), &expected, 1e-5);
    fused.step(&b.x, &b.y, &b.w, 4, None, &mut Vec::new());
    // `fused` has now taken one step from the same start.
    assert_close("fused", &f64s(&fused.params), &expected, 1e-5);
}

// ---- central finite differences of an independent f64 loss -----------------

fn act64(a: Activation, z: f64) -> f64 {
    match a {
        Activation::Relu => z.max(0.0),
        Activation::Tanh => z.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
    }
}

/// The mean weighted BCE on logits, in f64, written without candle or the
/// fused step: `Σ w·(ln(1 + e^z) − y·z) / rows`.
fn loss64(shape: &NetShape, act: Activation, p: &[f64], b: &Batch) -> f64 {
    let mut total = 0.0;
    for r in 0..b.rows {
        let mut a: Vec<f64> = b.x[r * shape.dims[0]..(r + 1) * shape.dims[0]]
            .iter()
            .map(|&v| f64::from(v))
            .collect();
        for l in 0..shape.layers() {
            let (din, dout) = shape.layer(l);
            let (wo, bo) = (shape.weight_offset(l), shape.bias_offset(l));
            let mut z: Vec<f64> = (0..dout)
                .map(|o| p[bo + o] + (0..din).map(|i| p[wo + o * din + i] * a[i]).sum::<f64>())
                .collect();
            if l + 1 < shape.layers() {
                for (o, v) in z.iter_mut().enumerate() {
                    let keep = b
                        .masks
                        .as_ref()
                        .map_or(1.0, |m| f64::from(m[l][r * dout + o]));
                    *v = act64(act, *v) * keep;
                }
            }
            a = z;
        }
        let (z, y, w) = (a[0], f64::from(b.y[r]), f64::from(b.w[r]));
        total += w * ((1.0 + z.exp()).ln() - y * z);
    }
    total / b.rows as f64
}

#[test]
fn gradients_equal_central_finite_differences_in_f64() {
    let shape = NetShape::new(5, &[7, 4]);
    let mut rng = Rng::new(23);
    // ReLU's kink is avoided by tanh and sigmoid; for ReLU a step of 1e-6
    // crosses a kink only if a pre-activation is within 1e-6 of 0.
    for act in ACTIVATIONS {
        for dropout in [0.0, 0.3] {
            let params = shape.init(&mut rng);
            // Non-zero biases, so no unit sits exactly at a ReLU kink.
            let params: Vec<f32> = params
                .iter()
                .map(|&v| {
                    if v == 0.0 {
                        (rng.next_f64() * 0.2 - 0.1) as f32
                    } else {
                        v
                    }
                })
                .collect();
            let b = batch(&shape, 6, dropout, &mut rng);
            let p64 = f64s(&params);
            let h = 1e-6;
            let fd: Vec<f64> = (0..p64.len())
                .map(|i| {
                    let mut up = p64.clone();
                    let mut down = p64.clone();
                    up[i] += h;
                    down[i] -= h;
                    (loss64(&shape, act, &up, &b) - loss64(&shape, act, &down, &b)) / (2.0 * h)
                })
                .collect();
            // candle's autograd in f64.
            let candle = CandleStep::new(
                shape.clone(),
                act,
                adam(0.0),
                &params,
                &Device::Cpu,
                DType::F64,
            )
            .unwrap();
            let t = on_device(&shape, &b);
            let g = candle
                .gradients(&t.x, &t.y, &t.w, t.masks.as_deref())
                .unwrap();
            assert_close(&format!("candle f64 {act:?} {dropout}"), &g, &fd, 1e-6);
            // The fused step (f32 arithmetic) against the same truth.
            let mut fused = FusedStep::new(shape.clone(), act, adam(0.0), params.clone(), 6, 1);
            fused.backward(&b.x, &b.y, &b.w, 6, b.masks.as_deref(), &mut Vec::new());
            assert_close(
                &format!("fused {act:?} {dropout}"),
                &f64s(fused.grad()),
                &fd,
                1e-4,
            );
        }
    }
}

// ---- both engines on the sample data ----------------------------------------

#[test]
fn both_engines_reach_the_same_validation_auc_on_the_sample_data() {
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
    let run = |engine| {
        let c = TrainConfig::resolve(
            &t,
            &Overrides {
                device: Some(DeviceRequest::Cpu),
                threads: Some(1),
                engine: Some(engine),
                ..Overrides::default()
            },
        )
        .unwrap();
        train::train_blocking(dir.path(), c).unwrap()
    };
    let fused = run(Engine::Fused);
    let candle = run(Engine::Candle);
    assert_eq!((fused.engine, candle.engine), ("fused", "candle"));
    let best = |s: &train::Summary| s.epochs[s.best_epoch.unwrap() - 1].valid.unwrap().auc;
    let last = |s: &train::Summary| s.epochs.last().unwrap().valid.unwrap().auc;
    for (what, f, c) in [
        ("best epoch", best(&fused), best(&candle)),
        ("last epoch", last(&fused), last(&candle)),
    ] {
        assert!((f - c).abs() < 0.005, "{what}: fused {f:.4}, candle {c:.4}");
        assert!(f > 0.8, "{what}: val AUC {f:.4}");
    }
}
