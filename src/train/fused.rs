//! The CPU training step, fused: forward, the stable BCE gradient, backward
//! and one Adam update over every parameter, written into buffers allocated
//! once per run. Matrix products call `gemm`, the kernels candle's CPU
//! backend uses, directly (bias added by pre-filling the output), so a step
//! at batch 32 costs a handful of kernel calls instead of ~40 candle ops with
//! an allocation each. [`super::autograd`] computes the same step with candle's
//! autograd and `AdamW` (and runs on GPUs); tests/train_engines.rs holds the
//! two to the same gradients, Adam step and finite differences.

use super::config::Activation;
use super::metrics::bce_logit;
use super::net::{Adam, NetShape, activate, derivative_from_output};

/// A read-only matrix view: element `(r, c)` is `data[r * rs + c * cs]`.
#[derive(Clone, Copy)]
struct Mat<'a> {
    data: &'a [f32],
    rs: usize,
    cs: usize,
}

fn span(rows: usize, cols: usize, rs: usize, cs: usize) -> usize {
    if rows == 0 || cols == 0 {
        0
    } else {
        (rows - 1) * rs + (cols - 1) * cs + 1
    }
}

/// `dst (m×n, row-major) = [dst +] lhs (m×k) · rhs (k×n)`.
#[allow(clippy::too_many_arguments)]
fn matmul(
    m: usize,
    n: usize,
    k: usize,
    dst: &mut [f32],
    accumulate: bool,
    lhs: Mat<'_>,
    rhs: Mat<'_>,
    par: gemm::Parallelism,
) {
    // The bounds that make the raw-pointer call below sound.
    assert!(dst.len() >= m * n, "matmul: output buffer too small");
    assert!(
        lhs.data.len() >= span(m, k, lhs.rs, lhs.cs),
        "matmul: lhs too small"
    );
    assert!(
        rhs.data.len() >= span(k, n, rhs.rs, rhs.cs),
        "matmul: rhs too small"
    );
    if m == 0 || n == 0 {
        return;
    }
    // SAFETY: the asserts above keep every index gemm computes from the
    // given sizes and strides inside the three slices; `dst` is borrowed
    // mutably, so it aliases neither input.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            lhs.data.as_ptr(),
            lhs.cs as isize,
            lhs.rs as isize,
            rhs.data.as_ptr(),
            rhs.cs as isize,
            rhs.rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            par,
        );
    }
}

/// Forward through every layer for `rows` rows of `x`; hidden activations go
/// to `acts[l]` (after dropout when `masks` is given), logits to `acts[L-1]`.
#[allow(clippy::too_many_arguments)]
fn forward(
    shape: &NetShape,
    act: Activation,
    params: &[f32],
    x: &[f32],
    rows: usize,
    acts: &mut [Vec<f32>],
    masks: Option<&[Vec<f32>]>,
    par: gemm::Parallelism,
) {
    for l in 0..shape.layers() {
        let (din, dout) = shape.layer(l);
        let (before, rest) = acts.split_at_mut(l);
        let out = &mut rest[0][..rows * dout];
        let input = if l == 0 {
            &x[..rows * din]
        } else {
            &before[l - 1][..rows * din]
        };
        let b = &params[shape.bias_offset(l)..shape.bias_offset(l) + dout];
        for row in out.chunks_exact_mut(dout) {
            row.copy_from_slice(b);
        }
        let w = &params[shape.weight_offset(l)..shape.bias_offset(l)];
        // x · Wᵀ: Wᵀ(i, j) = W[j][i] = w[j * din + i].
        matmul(
            rows,
            dout,
            din,
            out,
            true,
            Mat {
                data: input,
                rs: din,
                cs: 1,
            },
            Mat {
                data: w,
                rs: 1,
                cs: din,
            },
            par,
        );
        if l + 1 < shape.layers() {
            match masks {
                Some(m) => {
                    for (h, k) in out.iter_mut().zip(&m[l][..rows * dout]) {
                        *h = activate(act, *h) * k;
                    }
                }
                None => {
                    if act == Activation::Relu {
                        for h in out.iter_mut() {
                            *h = h.max(0.0);
                        }
                    } else {
                        for h in out.iter_mut() {
                            *h = activate(act, *h);
                        }
                    }
                }
            }
        }
    }
}

/// Logits for `rows` rows of row-major `x`, computed in chunks (inference).
pub fn predict_logits(
    shape: &NetShape,
    act: Activation,
    params: &[f32],
    x: &[f32],
    rows: usize,
    threads: usize,
) -> Vec<f32> {
    const CHUNK: usize = 2048;
    let par = parallelism(threads);
    let features = shape.dims[0];
    let mut acts: Vec<Vec<f32>> = shape.dims[1..]
        .iter()
        .map(|&d| vec![0.0; CHUNK.min(rows.max(1)) * d])
        .collect();
    let mut out = Vec::with_capacity(rows);
    let mut start = 0;
    while start < rows {
        let n = CHUNK.min(rows - start);
        forward(
            shape,
            act,
            params,
            &x[start * features..(start + n) * features],
            n,
            &mut acts,
            None,
            par,
        );
        out.extend_from_slice(&acts[shape.layers() - 1][..n]);
        start += n;
    }
    out
}

/// Parameters, Adam state and every buffer a training step needs.
pub struct FusedStep {
    shape: NetShape,
    act: Activation,
    adam: Adam,
    pub params: Vec<f32>,
    m: Vec<f32>,
    v: Vec<f32>,
    grad: Vec<f32>,
    acts: Vec<Vec<f32>>,
    delta: Vec<f32>,
    delta_prev: Vec<f32>,
    t: u64,
    par: gemm::Parallelism,
    threads: usize,
}

fn parallelism(threads: usize) -> gemm::Parallelism {
    if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    }
}

impl FusedStep {
    pub fn new(
        shape: NetShape,
        act: Activation,
        adam: Adam,
        params: Vec<f32>,
        max_batch: usize,
        threads: usize,
    ) -> FusedStep {
        let n = params.len();
        let acts = shape.dims[1..]
            .iter()
            .map(|&d| vec![0.0; max_batch * d])
            .collect();
        let widest = shape.widest();
        FusedStep {
            act,
            adam,
            m: vec![0.0; n],
            v: vec![0.0; n],
            grad: vec![0.0; n],
            acts,
            delta: vec![0.0; max_batch * widest],
            delta_prev: vec![0.0; max_batch * widest],
            t: 0,
            par: parallelism(threads),
            threads,
            params,
            shape,
        }
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// One step on `rows` rows: `x` row-major, `y` 0/1 labels, `w` per-row
    /// loss weights. Appends the batch's logits to `logits` and returns the
    /// weighted loss summed over the rows.
    pub fn step(
        &mut self,
        x: &[f32],
        y: &[f32],
        w: &[f32],
        rows: usize,
        masks: Option<&[Vec<f32>]>,
        logits: &mut Vec<f32>,
    ) -> f64 {
        let loss = self.backward(x, y, w, rows, masks, logits);
        self.adam_update();
        loss
    }

    /// The gradient of the batch's mean weighted loss, left in [`Self::grad`]
    /// (no update); appends the logits and returns the summed weighted loss.
    pub fn backward(
        &mut self,
        x: &[f32],
        y: &[f32],
        w: &[f32],
        rows: usize,
        masks: Option<&[Vec<f32>]>,
        logits: &mut Vec<f32>,
    ) -> f64 {
        let shape = &self.shape;
        let layers = shape.layers();
        forward(
            shape,
            self.act,
            &self.params,
            x,
            rows,
            &mut self.acts,
            masks,
            self.par,
        );

        // Loss and dL/dz of the logits (mean over the batch).
        let z = &self.acts[layers - 1][..rows];
        logits.extend_from_slice(z);
        let inv = 1.0 / rows as f32;
        let mut loss = 0.0f64;
        for i in 0..rows {
            let (zi, yi, wi) = (z[i], y[i], w[i]);
            loss += f64::from(wi * bce_logit(zi, yi));
            let p = 1.0 / (1.0 + (-zi).exp());
            self.delta[i] = wi * (p - yi) * inv;
        }

        for l in (0..layers).rev() {
            let (din, dout) = shape.layer(l);
            let input = if l == 0 {
                &x[..rows * din]
            } else {
                &self.acts[l - 1][..rows * din]
            };
            let dz = &self.delta[..rows * dout];
            let (wo, bo) = (shape.weight_offset(l), shape.bias_offset(l));
            // dW = dzᵀ · input, written straight into the gradient vector.
            matmul(
                dout,
                din,
                rows,
                &mut self.grad[wo..bo],
                false,
                Mat {
                    data: dz,
                    rs: 1,
                    cs: dout,
                },
                Mat {
                    data: input,
                    rs: din,
                    cs: 1,
                },
                self.par,
            );
            let db = &mut self.grad[bo..bo + dout];
            db.fill(0.0);
            for row in dz.chunks_exact(dout) {
                for (g, d) in db.iter_mut().zip(row) {
                    *g += d;
                }
            }
            if l > 0 {
                let w = &self.params[wo..bo];
                let da = &mut self.delta_prev[..rows * din];
                matmul(
                    rows,
                    din,
                    dout,
                    da,
                    false,
                    Mat {
                        data: dz,
                        rs: dout,
                        cs: 1,
                    },
                    Mat {
                        data: w,
                        rs: din,
                        cs: 1,
                    },
                    self.par,
                );
                let h = &self.acts[l - 1][..rows * din];
                match masks {
                    Some(m) => {
                        for ((d, &a), &k) in da.iter_mut().zip(h).zip(&m[l - 1][..rows * din]) {
                            *d *= if k == 0.0 {
                                0.0
                            } else {
                                derivative_from_output(self.act, a / k) * k
                            };
                        }
                    }
                    None => {
                        for (d, &a) in da.iter_mut().zip(h) {
                            *d *= derivative_from_output(self.act, a);
                        }
                    }
                }
                std::mem::swap(&mut self.delta, &mut self.delta_prev);
            }
        }
        loss
    }

    /// The gradient the last [`Self::backward`] or [`Self::step`] computed.
    pub fn grad(&self) -> &[f32] {
        &self.grad
    }

    /// One fused Adam update over the whole parameter vector.
    fn adam_update(&mut self) {
        self.t += 1;
        let a = self.adam;
        let lr_t = a.lr_t(self.t) as f32;
        let (b1, b2, eps) = (a.beta1 as f32, a.beta2 as f32, a.epsilon as f32);
        let decay = (a.lr * a.weight_decay) as f32;
        if decay > 0.0 {
            for p in &mut self.params {
                *p -= *p * decay;
            }
        }
        adam(
            &mut self.params,
            &mut self.m,
            &mut self.v,
            &self.grad,
            [lr_t, b1, b2, eps],
        );
    }
}

impl FusedStep {
    pub fn activation(&self) -> Activation {
        self.act
    }
}

/// `m`, `v` and `p` updated in one pass; `k` = `[lr_t, β1, β2, ε]`.
#[inline(always)]
fn adam_body(p: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32], k: [f32; 4]) {
    let [lr_t, b1, b2, eps] = k;
    for (((p, m), v), &g) in p.iter_mut().zip(m.iter_mut()).zip(v.iter_mut()).zip(g) {
        *m = b1 * *m + (1.0 - b1) * g;
        *v = b2 * *v + (1.0 - b2) * g * g;
        *p -= lr_t * *m / (v.sqrt() + eps);
    }
}

/// The same loop compiled for AVX2 (8 lanes instead of SSE2's 4); without
/// fast-math the results are bit-identical to the portable loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn adam_avx2(p: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32], k: [f32; 4]) {
    adam_body(p, m, v, g, k);
}

fn adam(p: &mut [f32], m: &mut [f32], v: &mut [f32], g: &[f32], k: [f32; 4]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked just above.
        unsafe { adam_avx2(p, m, v, g, k) };
        return;
    }
    adam_body(p, m, v, g, k);
}
