//! fp32 matrix-multiply throughput of this machine, the yardstick for the
//! training benchmark in docs/PERFORMANCE.md ("Training").
//!
//! `cargo bench --bench gemm` (candle's matmul follows RAYON_NUM_THREADS;
//! the direct `gemm` rows set their thread count explicitly).

use std::time::Instant;

use candle_core::{Device, Tensor};

fn gflops(n: usize, seconds: f64) -> f64 {
    2.0 * (n as f64).powi(3) / seconds / 1e9
}

/// Best of `reps` timings of `f`.
fn best(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn direct(n: usize, threads: usize) -> f64 {
    let a = vec![1.0f32; n * n];
    let b = vec![0.5f32; n * n];
    let mut c = vec![0.0f32; n * n];
    let par = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    let t = best(5, || {
        // SAFETY: a, b and c are n×n row-major and distinct.
        unsafe {
            gemm::gemm(
                n,
                n,
                n,
                c.as_mut_ptr(),
                1,
                n as isize,
                false,
                a.as_ptr(),
                1,
                n as isize,
                b.as_ptr(),
                1,
                n as isize,
                0.0,
                1.0,
                false,
                false,
                false,
                par,
            )
        }
    });
    gflops(n, t)
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let env = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "unset".into());
    for n in [1024usize, 2048] {
        let a = Tensor::ones((n, n), candle_core::DType::F32, &Device::Cpu)
            .unwrap_or_else(|e| panic!("{e}"));
        let b = a.affine(0.5, 0.0).unwrap_or_else(|e| panic!("{e}"));
        let t = best(5, || {
            let _ = a.matmul(&b);
        });
        println!(
            "candle matmul {n}x{n}x{n}  RAYON_NUM_THREADS={env}: {:.1} GFLOP/s",
            gflops(n, t)
        );
        for threads in [1, cores] {
            println!(
                "gemm direct   {n}x{n}x{n}  threads={threads}: {:.1} GFLOP/s",
                direct(n, threads)
            );
        }
    }
}
