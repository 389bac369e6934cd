//! Choosing the device and the CPU thread count.

use candle_core::Device;

use super::config::DeviceRequest;
use super::error::TrainError;

/// The device a run uses, and why it is not the one asked for.
#[derive(Debug, Clone)]
pub struct DeviceChoice {
    pub device: Device,
    /// `cpu` or `cuda:0`.
    pub name: String,
    /// Set when `auto` fell back to the CPU.
    pub fallback: Option<String>,
}

/// Whether this build can use CUDA at all.
pub const CUDA_BUILT: bool = cfg!(feature = "cuda");

#[cfg(feature = "cuda")]
fn try_cuda() -> Result<Device, String> {
    let device = Device::new_cuda(0).map_err(|e| format!("CUDA device 0 unavailable: {e}"))?;
    probe(&device).map_err(|e| format!("CUDA device 0 cannot run lodestar's kernels: {e}"))?;
    Ok(device)
}

/// A 2×2 matrix product (cuBLAS) plus one of candle's own kernels, read back
/// and checked. A driver older than the toolkit the binary was built with
/// refuses candle's kernels only when one is first loaded: this makes that
/// happen here, where `auto` can still fall back, instead of mid-run.
#[cfg(feature = "cuda")]
fn probe(device: &Device) -> candle_core::Result<()> {
    let a = candle_core::Tensor::new(&[[1f32, 2.], [3., 4.]], device)?;
    let got = a.matmul(&a)?.affine(1.0, 1.0)?.to_vec2::<f32>()?;
    let want = vec![vec![8f32, 11.], vec![16., 23.]];
    if got != want {
        return Err(candle_core::Error::Msg(format!(
            "[[1,2],[3,4]]² + 1 gave {got:?}, not {want:?}"
        )));
    }
    Ok(())
}

#[cfg(not(feature = "cuda"))]
fn try_cuda() -> Result<Device, String> {
    Err("this build has no CUDA support (rebuild with `--features cuda`)".into())
}

/// `auto` tries CUDA and falls back to the CPU with the reason; `cuda` fails
/// when CUDA cannot be used (candle's `cuda_if_available` would silently
/// answer with the CPU).
pub fn choose_device(request: DeviceRequest) -> Result<DeviceChoice, TrainError> {
    let cpu = |fallback| DeviceChoice {
        device: Device::Cpu,
        name: "cpu".into(),
        fallback,
    };
    match request {
        DeviceRequest::Cpu => Ok(cpu(None)),
        DeviceRequest::Auto => Ok(match try_cuda() {
            Ok(device) => DeviceChoice {
                device,
                name: "cuda:0".into(),
                fallback: None,
            },
            Err(reason) => cpu(Some(reason)),
        }),
        DeviceRequest::Cuda => match try_cuda() {
            Ok(device) => Ok(DeviceChoice {
                device,
                name: "cuda:0".into(),
                fallback: None,
            }),
            Err(reason) if !CUDA_BUILT => Err(TrainError::Device(format!(
                "--device cuda: {reason}; or train on the CPU with --device cpu"
            ))),
            Err(reason) => Err(TrainError::Device(format!(
                "--device cuda: {reason}; use --device auto or cpu to train on the CPU"
            ))),
        },
    }
}

/// Cores this process may use.
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// The CPU threads for a run and why. At small batches a step is a few
/// microseconds of work per matrix product and waking a second thread costs
/// more than it saves, so one thread is used; large batches use every core.
pub fn choose_threads(requested: usize, batch_size: usize, widest: usize) -> (usize, &'static str) {
    if requested > 0 {
        return (requested, "as configured");
    }
    let cores = available_cores();
    if cores == 1 {
        return (1, "one core available");
    }
    if batch_size * widest < PARALLEL_WORK {
        (1, "small batches: threads cost more than they save")
    } else {
        (cores, "large batches: one thread per core")
    }
}

/// `batch × widest layer` above which matrix products are split across threads.
pub const PARALLEL_WORK: usize = 256 * 128;
