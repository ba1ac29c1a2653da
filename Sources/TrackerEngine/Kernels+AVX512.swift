// Run-time choice of the AVX-512 first-layer kernels (Sources/CTrackerKernels).
//
// The engine is built for AVX2 + FMA (haswell). On a CPU that also has AVX-512F,
// BW and VL, the sparse first layer's row combinations run 16 outputs per
// instruction instead of 8: a 40-wide weight row is 3 loads instead of 5. Every
// output is computed by the same fused multiply-adds in the same order as the
// AVX2 kernel, so the results are bit-identical (KernelTests check it); the choice
// changes speed only. TRACKER_KERNELS=avx2 in the environment turns the AVX-512
// kernels off (to compare).

import CTrackerKernels
import Foundation

enum AVX512Kernels {
  /// Whether the AVX-512 kernels run on this machine (read once).
  static let enabled: Bool =
    tracker_kernels_have_avx512() != 0
    && ProcessInfo.processInfo.environment["TRACKER_KERNELS"] != "avx2"

  /// Whether they handle `o` outputs (multiples of 8) here.
  @inline(__always)
  static func usable(o: Int) -> Bool { o >= 8 && o % 8 == 0 && enabled }
}
