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

/// Why `auto` falls back to the CPU in a build without the `cuda` feature
/// (as run files and JSON keep it: English).
pub const NO_CUDA_BUILD: &str = "this build has no CUDA support (rebuild with `--features cuda`)";

#[cfg(not(feature = "cuda"))]
fn try_cuda() -> Result<Device, String> {
    Err(NO_CUDA_BUILD.into())
}

/// A fallback reason as shown to a person: the one lodestar writes itself
/// in the interface language; a driver's or CUDA's own words as they are.
pub fn reason_label(reason: &str) -> String {
    if reason == NO_CUDA_BUILD {
        crate::tr!("cuda.no_cuda_build")
    } else {
        reason.to_string()
    }
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
        return (requested, THREADS_CONFIGURED);
    }
    let cores = available_cores();
    if cores == 1 {
        return (1, THREADS_ONE_CORE);
    }
    if batch_size * widest < PARALLEL_WORK {
        (1, THREADS_SMALL)
    } else {
        (cores, THREADS_LARGE)
    }
}

/// Why a run uses its thread count, as run files and JSON keep it (English).
pub const THREADS_CONFIGURED: &str = "as configured";
pub const THREADS_ONE_CORE: &str = "one core available";
pub const THREADS_SMALL: &str = "small batches: threads cost more than they save";
pub const THREADS_LARGE: &str = "large batches: one thread per core";
pub const THREADS_CANDLE: &str = "candle: RAYON_NUM_THREADS or the physical cores";

/// A reason of [`choose_threads`] (kept in English in run files and JSON)
/// in the interface language.
pub fn threads_reason_label(reason: &str) -> String {
    match reason {
        THREADS_CONFIGURED => crate::tr!("cuda.threads.configured"),
        THREADS_ONE_CORE => crate::tr!("cuda.threads.one_core"),
        THREADS_SMALL => crate::tr!("cuda.threads.small"),
        THREADS_LARGE => crate::tr!("cuda.threads.large"),
        THREADS_CANDLE => crate::tr!("cuda.threads.candle"),
        other => other.to_string(),
    }
}

/// `batch × widest layer` above which matrix products are split across threads.
pub const PARALLEL_WORK: usize = 256 * 128;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason `choose_threads` gives has a label in both languages,
    /// and the English label is the reason itself (run files keep it).
    #[test]
    fn thread_and_fallback_reasons_have_labels() {
        let reasons = [
            choose_threads(3, 32, 128).1,
            "one core available",
            choose_threads(0, 8, 8).1,
            "large batches: one thread per core",
            "candle: RAYON_NUM_THREADS or the physical cores",
        ];
        for r in reasons {
            let en = crate::i18n::with(crate::i18n::Lang::En, || threads_reason_label(r));
            let zh = crate::i18n::with(crate::i18n::Lang::ZhCn, || threads_reason_label(r));
            assert_eq!(en, r);
            assert!(zh != r && !zh.is_ascii(), "{r}: {zh}");
        }
        let en = crate::i18n::with(crate::i18n::Lang::En, || reason_label(NO_CUDA_BUILD));
        assert_eq!(en, NO_CUDA_BUILD);
        let zh = crate::i18n::with(crate::i18n::Lang::ZhCn, || reason_label(NO_CUDA_BUILD));
        assert!(zh.contains("CUDA") && !zh.is_ascii(), "{zh}");
        assert_eq!(reason_label("driver said no"), "driver said no");
    }
}
