//! The training step composed of candle tensor ops, with the gradients
//! written out by hand (no autograd graph) and Adam over one flat parameter
//! tensor. It runs on any candle device; on the CPU it is the reference the
//! fused step is tested against. Data stays on the device: the training rows
//! are gathered once per epoch in shuffled order and batches are `narrow`
//! views of that copy.

use candle_core::{D, DType, Device, Tensor};

use super::config::Activation;
use super::error::TrainError;
use super::net::{Adam, NetShape};

type Result<T> = std::result::Result<T, TrainError>;

pub struct OpsStep {
    shape: NetShape,
    act: Activation,
    adam: Adam,
    device: Device,
    p: Tensor,
    m: Tensor,
    v: Tensor,
    t: u64,
}

fn activate(act: Activation, z: &Tensor) -> Result<Tensor> {
    Ok(match act {
        Activation::Relu => z.relu()?,
        Activation::Tanh => z.tanh()?,
        Activation::Sigmoid => candle_nn::ops::sigmoid(z)?,
    })
}

/// The activation's derivative from its output `h`.
fn derivative(act: Activation, h: &Tensor) -> Result<Tensor> {
    Ok(match act {
        Activation::Relu => h.gt(0.0)?.to_dtype(DType::F32)?,
        Activation::Tanh => h.sqr()?.affine(-1.0, 1.0)?,
        Activation::Sigmoid => (h * h.affine(-1.0, 1.0)?)?,
    })
}

impl OpsStep {
    pub fn new(
        shape: NetShape,
        act: Activation,
        adam: Adam,
        params: &[f32],
        device: &Device,
    ) -> Result<OpsStep> {
        let n = params.len();
        Ok(OpsStep {
            p: Tensor::from_slice(params, n, device)?,
            m: Tensor::zeros(n, DType::F32, device)?,
            v: Tensor::zeros(n, DType::F32, device)?,
            t: 0,
            device: device.clone(),
            shape,
            act,
            adam,
        })
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    fn weight(&self, l: usize) -> Result<(Tensor, Tensor)> {
        let (din, dout) = self.shape.layer(l);
        let w = self
            .p
            .narrow(0, self.shape.weight_offset(l), din * dout)?
            .reshape((dout, din))?;
        let b = self.p.narrow(0, self.shape.bias_offset(l), dout)?;
        Ok((w, b))
    }

    /// Logits `(rows, 1)` of `x` `(rows, features)`; with `masks`, also the
    /// hidden outputs before (`h`) and after (`a`) dropout for the backward pass.
    fn forward(
        &self,
        x: &Tensor,
        masks: Option<&[Tensor]>,
    ) -> Result<(Tensor, Vec<(Tensor, Tensor)>)> {
        let mut a = x.clone();
        let mut hidden = Vec::with_capacity(self.shape.layers());
        for l in 0..self.shape.layers() {
            let (w, b) = self.weight(l)?;
            let z = a.matmul(&w.t()?)?.broadcast_add(&b)?;
            if l + 1 == self.shape.layers() {
                return Ok((z, hidden));
            }
            let h = activate(self.act, &z)?;
            let out = match masks {
                Some(m) => (&h * &m[l])?,
                None => h.clone(),
            };
            hidden.push((h, out.clone()));
            a = out;
        }
        Err(TrainError::Run("network has no layers".into()))
    }

    pub fn logits(&self, x: &Tensor) -> Result<Tensor> {
        Ok(self.forward(x, None)?.0)
    }

    /// One step on the batch `x (B, F)`, `y (B, 1)`, `w (B, 1)`; returns the
    /// batch's logits `(B, 1)` without reading them back.
    pub fn step(
        &mut self,
        x: &Tensor,
        y: &Tensor,
        w: &Tensor,
        masks: Option<&[Tensor]>,
    ) -> Result<Tensor> {
        let rows = x.dim(0)?;
        let (z, hidden) = self.forward(x, masks)?;
        // dL/dz of the stable BCE on logits, mean over the batch.
        let mut dz = ((candle_nn::ops::sigmoid(&z)? - y)? * w)?.affine(1.0 / rows as f64, 0.0)?;
        let layers = self.shape.layers();
        let mut grads = vec![None; 2 * layers];
        for l in (0..layers).rev() {
            let input = if l == 0 { x } else { &hidden[l - 1].1 };
            grads[2 * l] = Some(dz.t()?.matmul(input)?.flatten_all()?);
            grads[2 * l + 1] = Some(dz.sum(0)?);
            if l > 0 {
                let (w, _) = self.weight(l)?;
                let mut da = dz.matmul(&w)?;
                if let Some(m) = masks {
                    da = (da * &m[l - 1])?;
                }
                dz = (da * derivative(self.act, &hidden[l - 1].0)?)?;
            }
        }
        let grads: Vec<Tensor> = grads.into_iter().flatten().collect();
        let g = Tensor::cat(&grads, 0)?;
        self.adam_update(&g)?;
        Ok(z.detach())
    }

    fn adam_update(&mut self, g: &Tensor) -> Result<()> {
        self.t += 1;
        let a = self.adam;
        let mut p = self.p.clone();
        if a.weight_decay > 0.0 {
            p = p.affine(1.0 - a.lr * a.weight_decay, 0.0)?;
        }
        self.m = (self.m.affine(a.beta1, 0.0)? + g.affine(1.0 - a.beta1, 0.0)?)?;
        self.v = (self.v.affine(a.beta2, 0.0)? + g.sqr()?.affine(1.0 - a.beta2, 0.0)?)?;
        let step =
            (self.m.affine(a.lr_t(self.t), 0.0)? / self.v.sqrt()?.affine(1.0, a.epsilon)?)?;
        self.p = (p - step)?;
        Ok(())
    }

    pub fn params(&self) -> Result<Vec<f32>> {
        Ok(self.p.to_vec1::<f32>()?)
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
    Ok(t.squeeze(D::Minus1)?.to_vec1::<f32>()?)
}
