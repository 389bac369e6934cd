//! The one seeded random number generator of lodestar (xoshiro256++ seeded by
//! SplitMix64) and the samplers built on it. Our own, so a seed gives the same
//! numbers on every platform and dependency version: ranking stability draws
//! its Dirichlet weights from it, and training its initial weights, shuffles
//! and dropout masks (candle's CPU generator cannot be seeded).

/// SplitMix64: turns any seed into well-mixed 64-bit values. Used to seed
/// [`Rng`] and to derive one stream per chunk of samples.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256++ (Blackman and Vigna, 2019).
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng { s }
    }

    /// The generator for one numbered stream of a seed: chunk `stream` of a
    /// Monte Carlo run always sees the same numbers, whichever thread runs it.
    pub fn for_stream(seed: u64, stream: u64) -> Rng {
        let mut sm = seed ^ 0x6A09_E667_F3BC_C909;
        let a = splitmix64(&mut sm);
        let mut sm2 = stream.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ a;
        Rng::new(splitmix64(&mut sm2))
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in (0, 1): never exactly 0, so logarithms stay finite.
    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        // Lemire's multiply-shift; the tiny bias is irrelevant for shuffling.
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal (Marsaglia polar method, one value per call).
    pub fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * s.ln() / s).sqrt();
            }
        }
    }

    /// Gamma(shape, 1) by Marsaglia and Tsang (2000); shapes below 1 use the
    /// boost `Gamma(a) = Gamma(a + 1) · U^(1/a)`. A shape ≤ 0 gives 0.
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape <= 0.0 || !shape.is_finite() {
            return 0.0;
        }
        if shape < 1.0 {
            let u = self.uniform();
            return self.gamma(shape + 1.0) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform();
            if u < 1.0 - 0.0331 * x * x * x * x || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
                return d * v;
            }
        }
    }

    /// One draw from Dirichlet(alpha) into `out` (same length as `alpha`).
    /// Components with alpha 0 stay 0. Returns false when every gamma draw
    /// underflowed to 0 (then `out` is left as all zeros).
    pub fn dirichlet(&mut self, alpha: &[f64], out: &mut [f64]) -> bool {
        let mut sum = 0.0;
        for (o, &a) in out.iter_mut().zip(alpha) {
            *o = self.gamma(a);
            sum += *o;
        }
        if sum > 0.0 && sum.is_finite() {
            for o in out.iter_mut() {
                *o /= sum;
            }
            true
        } else {
            out.iter_mut().for_each(|o| *o = 0.0);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_ranges() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
        let mut r = Rng::new(1);
        let mean: f64 = (0..10_000).map(|_| r.next_f64()).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02);
        assert!((0..1000).all(|_| r.below(3) < 3));
    }

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::for_stream(42, 3);
        let mut b = Rng::for_stream(42, 3);
        let mut c = Rng::for_stream(42, 4);
        let xa: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let xc: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn gamma_has_the_right_mean_and_variance() {
        let mut rng = Rng::new(7);
        for shape in [0.3, 1.0, 2.5, 40.0] {
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| rng.gamma(shape)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            assert!(
                (mean - shape).abs() < 0.02 * shape.max(1.0),
                "shape {shape}: mean {mean}"
            );
            assert!(
                (var - shape).abs() < 0.05 * shape.max(1.0),
                "shape {shape}: var {var}"
            );
        }
    }

    #[test]
    fn dirichlet_is_centred_on_its_mean() {
        let mut rng = Rng::new(1);
        let w = [0.5, 0.3, 0.2, 0.0];
        let alpha: Vec<f64> = w.iter().map(|x| 100.0 * x).collect();
        let mut out = [0.0; 4];
        let mut sum = [0.0; 4];
        let n = 50_000;
        for _ in 0..n {
            assert!(rng.dirichlet(&alpha, &mut out));
            assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            for k in 0..4 {
                sum[k] += out[k];
            }
        }
        for k in 0..4 {
            assert!((sum[k] / n as f64 - w[k]).abs() < 0.003);
        }
        assert_eq!(sum[3], 0.0);
    }
}
