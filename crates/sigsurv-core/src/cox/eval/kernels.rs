//! Which copy of the inner loops of the regrouped paths runs: the portable one, or the same code compiled for
//! AVX2 + FMA. Both do the same operations in the same order (Rust fuses a multiply and an add only where the
//! code asks, with `mul_add`, which rounds once on every CPU), so they give the same bits; the AVX2 copy handles
//! four numbers per instruction instead of two.

/// The kernel copy to run; a value with AVX2 on exists only where the CPU has AVX2 and FMA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kernels {
    avx2_fma: bool,
}

impl Kernels {
    /// The widest copy this CPU runs, or the portable one when `portable` is asked for (tests, see `mod.rs`).
    pub fn choose(portable: bool) -> Kernels {
        if portable || !cpu_has_avx2_fma() {
            Kernels::portable()
        } else {
            Kernels { avx2_fma: true }
        }
    }

    /// The portable copy.
    pub fn portable() -> Kernels {
        Kernels { avx2_fma: false }
    }

    /// Whether this is the AVX2 + FMA copy.
    #[cfg(test)]
    pub fn is_avx2(self) -> bool {
        self.avx2_fma
    }

    /// Runs `kernel` (an `#[inline(always)]` loop) as the chosen copy: inlined into a function compiled for
    /// AVX2 + FMA, or as it is.
    #[inline(always)]
    pub fn run<R>(self, kernel: impl FnOnce() -> R) -> R {
        #[cfg(target_arch = "x86_64")]
        if self.avx2_fma {
            // SAFETY: `avx2_fma` is set only by `choose`, after checking that the CPU has AVX2 and FMA.
            return unsafe { avx2_fma(kernel) };
        }
        kernel()
    }
}

fn cpu_has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2_fma<R>(kernel: impl FnOnce() -> R) -> R {
    kernel()
}
