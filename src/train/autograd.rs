//! The training step in candle, with autograd: the seed's network built from
//! `candle_nn::linear` layers whose weights live in a [`VarMap`], the
//! weighted binary cross-entropy written with candle ops, `loss.backward()`
//! for the gradients and candle's [`AdamW`] for the update. It runs on any
//! candle device (it is the engine on CUDA) and is the reference the fused
//! CPU step ([`super::fused`]) is tested against.
//!
//! **Adam, as Keras computes it.** `AdamW` with weight decay 0 is Adam, but
//! candle writes the update as `lr · m̂ / (√v̂ + ε)` (the paper's form) and
//! Keras as `lr · √(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε)` ("ε-hat"). The two are the
//! same update when candle's ε at step `t` is `ε / √(1−β2ᵗ)`, so that is what
//! [`CandleStep::step`] hands `AdamW` before every step: Keras' β1, β2, ε and
//! learning rate, exactly. A `weight_decay` above 0 is `AdamW`'s decoupled
//! decay (`θ ← θ·(1 − lr·λ)` before the Adam step), as the fused step does.
//!
//! Our seeded Glorot initialisation is kept: the `VarMap`'s variables are
//! created by `linear` and then overwritten with [`NetShape::init`]'s values.

use candle_core::{D, DType, Device, Tensor};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use candle_nn::{Linear, Module, VarBuilder, VarMap};

use super::config::Activation;
use super::error::TrainError;
use super::net::{Adam, NetShape};

type Result<T> = std::result::Result<T, TrainError>;

/// The network, its variables and the optimizer's state.
pub struct CandleStep {
    shape: NetShape,
    act: Activation,
    adam: Adam,
    device: Device,
    dtype: DType,
    varmap: VarMap,
    layers: Vec<Linear>,
    opt: AdamW,
    t: u64,
}

fn activate(act: Activation, z: &Tensor) -> Result<Tensor> {
    Ok(match act {
        Activation::Relu => z.relu()?,
        Activation::Tanh => z.tanh()?,
        Activation::Sigmoid => candle_nn::ops::sigmoid(z)?,
    })
}

/// Names of layer `l`'s variables in the [`VarMap`].
fn var_names(l: usize) -> (String, String) {
    (format!("dense{l}.weight"), format!("dense{l}.bias"))
}

/// The weighted mean of the numerically stable binary cross-entropy on
/// logits: `max(z, 0) − z·y + ln(1 + e^−|z|)`, times `w`, averaged over rows.
pub fn weighted_bce(z: &Tensor, y: &Tensor, w: &Tensor) -> Result<Tensor> {
    let soft = (z.abs()?.neg()?.exp()? + 1.0)?.log()?;
    let per_row = ((z.relu()? - (z * y)?)? + soft)?;
    Ok((per_row * w)?.mean_all()?)
}

impl CandleStep {
    /// A network of `shape` on `device` in `dtype` (F32 for training, F64 in
    /// tests), its weights set from the flat `params` (layout of [`NetShape`]).
    pub fn new(
        shape: NetShape,
        act: Activation,
        adam: Adam,
        params: &[f32],
        device: &Device,
        dtype: DType,
    ) -> Result<CandleStep> {
        if params.len() != shape.params() {
            return Err(TrainError::Run(format!(
                "{} parameters for a network of {}",
                params.len(),
                shape.params()
            )));
        }
        let mut varmap = VarMap::new();
        let vb = VarBuilder::from_varmap(&varmap, dtype, device);
        let mut layers = Vec::with_capacity(shape.layers());
        for l in 0..shape.layers() {
            let (din, dout) = shape.layer(l);
            layers.push(candle_nn::linear(din, dout, vb.pp(format!("dense{l}")))?);
        }
        // Our seeded Glorot weights (and zero biases) replace linear's init.
        for l in 0..shape.layers() {
            let (din, dout) = shape.layer(l);
            let (wo, bo) = (shape.weight_offset(l), shape.bias_offset(l));
            let w = Tensor::from_slice(&params[wo..bo], (dout, din), device)?.to_dtype(dtype)?;
            let b = Tensor::from_slice(&params[bo..bo + dout], dout, device)?.to_dtype(dtype)?;
            let (wn, bn) = var_names(l);
            varmap.set_one(wn, w)?;
            varmap.set_one(bn, b)?;
        }
        let opt = AdamW::new(
            varmap.all_vars(),
            ParamsAdamW {
                lr: adam.lr,
                beta1: adam.beta1,
                beta2: adam.beta2,
                eps: adam.epsilon,
                weight_decay: adam.weight_decay,
            },
        )?;
        Ok(CandleStep {
            shape,
            act,
            adam,
            device: device.clone(),
            dtype,
            varmap,
            layers,
            opt,
            t: 0,
        })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    pub fn activation(&self) -> Activation {
        self.act
    }

    /// Logits `(rows, 1)` of `x` `(rows, features)`; `masks` (one per hidden
    /// layer, `0` or `1/(1−rate)`) apply dropout after each activation.
    pub fn forward(&self, x: &Tensor, masks: Option<&[Tensor]>) -> Result<Tensor> {
        let last = self.layers.len().saturating_sub(1);
        let mut a = x.to_dtype(self.dtype)?;
        for (l, layer) in self.layers.iter().enumerate() {
            let z = layer.forward(&a)?;
            if l == last {
                return Ok(z);
            }
            let h = activate(self.act, &z)?;
            a = match masks {
                Some(m) => (h * m[l].to_dtype(self.dtype)?)?,
                None => h,
            };
        }
        Err(TrainError::Run("network has no layers".into()))
    }

    pub fn logits(&self, x: &Tensor) -> Result<Tensor> {
        self.forward(x, None)
    }

    /// The batch's loss (a scalar tensor that autograd can differentiate).
    pub fn loss(
        &self,
        x: &Tensor,
        y: &Tensor,
        w: &Tensor,
        masks: Option<&[Tensor]>,
    ) -> Result<(Tensor, Tensor)> {
        let z = self.forward(x, masks)?;
        let loss = weighted_bce(&z, &y.to_dtype(self.dtype)?, &w.to_dtype(self.dtype)?)?;
        Ok((loss, z))
    }

    /// The gradient of the batch loss by autograd, flattened in the layout
    /// of [`NetShape`] (for the tests that hold the fused step to it).
    pub fn gradients(
        &self,
        x: &Tensor,
        y: &Tensor,
        w: &Tensor,
        masks: Option<&[Tensor]>,
    ) -> Result<Vec<f64>> {
        let (loss, _) = self.loss(x, y, w, masks)?;
        let grads = loss.backward()?;
        let mut out = Vec::with_capacity(self.shape.params());
        for layer in &self.layers {
            for t in [Some(layer.weight()), layer.bias()].into_iter().flatten() {
                let g = match grads.get(t) {
                    Some(g) => g.flatten_all()?.to_dtype(DType::F64)?.to_vec1::<f64>()?,
                    None => vec![0.0; t.elem_count()],
                };
                out.extend(g);
            }
        }
        Ok(out)
    }

    /// One step on the batch `x (B, F)`, `y (B, 1)`, `w (B, 1)`: forward,
    /// `backward`, Adam. Returns the batch's logits `(B, 1)` without reading
    /// them back (reading is a device sync on a GPU).
    pub fn step(
        &mut self,
        x: &Tensor,
        y: &Tensor,
        w: &Tensor,
        masks: Option<&[Tensor]>,
    ) -> Result<Tensor> {
        let (loss, z) = self.loss(x, y, w, masks)?;
        self.t += 1;
        // Keras' ε-hat: see the module documentation.
        let bias2 = 1.0 - self.adam.beta2.powi(self.t.min(i32::MAX as u64) as i32);
        let mut p = self.opt.params().clone();
        p.eps = self.adam.epsilon / bias2.sqrt();
        self.opt.set_params(p);
        self.opt.backward_step(&loss)?;
        Ok(z.detach())
    }

    /// The weights, flattened in the layout of [`NetShape`], as f32.
    pub fn params(&self) -> Result<Vec<f32>> {
        let mut out = Vec::with_capacity(self.shape.params());
        for layer in &self.layers {
            for t in [Some(layer.weight()), layer.bias()].into_iter().flatten() {
                out.extend(t.flatten_all()?.to_dtype(DType::F32)?.to_vec1::<f32>()?);
            }
        }
        Ok(out)
    }

    /// The variables by name (`dense0.weight`, …), as candle keeps them.
    pub fn varmap(&self) -> &VarMap {
        &self.varmap
    }
}

/// Rows `order` of `t`, gathered on its device.
pub fn gather(t: &Tensor, order: &[u32]) -> Result<Tensor> {
    let idx = Tensor::from_slice(order, order.len(), t.device())?;
    Ok(t.index_select(&idx, 0)?)
}

/// A column vector `(n, 1)` on `device`.
pub fn column(values: &[f32], device: &Device) -> Result<Tensor> {
    Ok(Tensor::from_slice(values, (values.len(), 1), device)?)
}

/// Read `(n, 1)` logits back to the host.
pub fn read_column(t: &Tensor) -> Result<Vec<f32>> {
    Ok(t.squeeze(D::Minus1)?
        .to_dtype(DType::F32)?
        .to_vec1::<f32>()?)
}
