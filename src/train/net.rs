//! The network: its layer sizes, the flat parameter vector both engines
//! share, Glorot-uniform initialisation from our seeded RNG, and Adam's
//! settings. Parameters are stored layer by layer as `W` (`out × in`,
//! row-major, like candle's `Linear`) followed by `b` (`out`).

use super::config::{Activation, TrainConfig};
use super::rng::Rng;

/// Layer widths from the input to the single output logit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetShape {
    pub dims: Vec<usize>,
}

impl NetShape {
    pub fn new(features: usize, hidden: &[usize]) -> NetShape {
        let mut dims = Vec::with_capacity(hidden.len() + 2);
        dims.push(features);
        dims.extend_from_slice(hidden);
        dims.push(1);
        NetShape { dims }
    }
    /// Number of dense layers.
    pub fn layers(&self) -> usize {
        self.dims.len() - 1
    }
    /// `(inputs, outputs)` of layer `l` (0-based).
    pub fn layer(&self, l: usize) -> (usize, usize) {
        (self.dims[l], self.dims[l + 1])
    }
    /// Offset of layer `l`'s weight matrix in the flat vector.
    pub fn weight_offset(&self, l: usize) -> usize {
        (0..l).map(|k| self.dims[k + 1] * (self.dims[k] + 1)).sum()
    }
    pub fn bias_offset(&self, l: usize) -> usize {
        let (i, o) = self.layer(l);
        self.weight_offset(l) + i * o
    }
    pub fn params(&self) -> usize {
        self.weight_offset(self.layers())
    }
    /// Weights only (multiply-adds per sample in the forward pass).
    pub fn weights(&self) -> usize {
        (0..self.layers())
            .map(|l| self.dims[l] * self.dims[l + 1])
            .sum()
    }
    pub fn widest(&self) -> usize {
        self.dims.iter().copied().max().unwrap_or(1)
    }

    /// Glorot-uniform weights (`±sqrt(6 / (in + out))`) and zero biases, as Keras.
    pub fn init(&self, rng: &mut Rng) -> Vec<f32> {
        let mut p = vec![0.0f32; self.params()];
        for l in 0..self.layers() {
            let (i, o) = self.layer(l);
            let limit = (6.0 / (i + o) as f64).sqrt();
            let w = self.weight_offset(l);
            for v in &mut p[w..w + i * o] {
                *v = ((rng.next_f64() * 2.0 - 1.0) * limit) as f32;
            }
        }
        p
    }
}

/// Adam with Keras' update: `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`,
/// `p ← p − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε)`; decoupled weight decay first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adam {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    pub weight_decay: f64,
}

impl Adam {
    pub fn from_config(c: &TrainConfig) -> Adam {
        Adam {
            lr: c.learning_rate,
            beta1: c.beta1,
            beta2: c.beta2,
            epsilon: c.epsilon,
            weight_decay: c.weight_decay,
        }
    }
    /// The bias-corrected step size at step `t` (1-based).
    pub fn lr_t(&self, t: u64) -> f64 {
        let t = t as i32;
        self.lr * (1.0 - self.beta2.powi(t)).sqrt() / (1.0 - self.beta1.powi(t))
    }
}

/// Dropout masks for one step: per hidden layer, `batch × width` values that
/// are 0 (dropped) or `1 / (1 − rate)` (kept).
pub fn dropout_masks(
    shape: &NetShape,
    batch: usize,
    rate: f32,
    rng: &mut Rng,
    out: &mut Vec<Vec<f32>>,
) {
    let keep = 1.0 / (1.0 - rate);
    out.resize(shape.layers() - 1, Vec::new());
    for (l, m) in out.iter_mut().enumerate() {
        m.clear();
        m.extend((0..batch * shape.dims[l + 1]).map(|_| {
            if rng.next_f64() < f64::from(rate) {
                0.0
            } else {
                keep
            }
        }));
    }
}

#[inline]
pub fn activate(a: Activation, x: f32) -> f32 {
    match a {
        Activation::Relu => x.max(0.0),
        Activation::Tanh => x.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
    }
}

/// The activation's derivative, written in terms of its output `h`.
#[inline]
pub fn derivative_from_output(a: Activation, h: f32) -> f32 {
    match a {
        Activation::Relu => {
            if h > 0.0 {
                1.0
            } else {
                0.0
            }
        }
        Activation::Tanh => 1.0 - h * h,
        Activation::Sigmoid => h * (1.0 - h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_glorot_limits() {
        let s = NetShape::new(3, &[4, 2]);
        assert_eq!(s.dims, vec![3, 4, 2, 1]);
        assert_eq!(
            (s.weight_offset(1), s.bias_offset(1), s.params()),
            (16, 24, 16 + 10 + 3)
        );
        let p = s.init(&mut Rng::new(1));
        let limit = (6.0f32 / 7.0).sqrt();
        assert!(p[..12].iter().all(|w| w.abs() <= limit) && p[..12].iter().any(|w| *w != 0.0));
        assert!(p[12..16].iter().all(|b| *b == 0.0));
        assert_eq!(p, s.init(&mut Rng::new(1)));
    }
}
