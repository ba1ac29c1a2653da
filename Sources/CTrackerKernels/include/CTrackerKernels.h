// AVX-512 variants of TrackerEngine's sparse first-layer kernels (Kernels+SIMD.swift),
// chosen at run time when the CPU has AVX-512F/BW/VL. Each output is computed with
// exactly the same operations, in the same order, as the Swift AVX2 kernel, so the
// results are bit-identical; only more outputs share one instruction.
#ifndef C_TRACKER_KERNELS_H
#define C_TRACKER_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU (and OS) can run the AVX-512 kernels, else 0. Cheap after the first call.
int tracker_kernels_have_avx512(void);

/// The two-pass sparse first layer (`sparseForwardSplitFloat`) for rows
/// `row_begin..<row_end`, for any `o` that is a multiple of 8. Requires
/// `tracker_kernels_have_avx512()`.
void tracker_sparse_forward_split_avx512(
    float *out, const intptr_t *row_start, const intptr_t *split, const uint16_t *c,
    const float *v, intptr_t row_begin, intptr_t row_end, const float *w, const float *b,
    intptr_t o, float *partial);

/// One row combination, out(0..<o) = b + Σ_k v(k)·w(c(k), :), o a multiple of 8
/// (`rowCombinationFloat`). Requires `tracker_kernels_have_avx512()`.
void tracker_row_combination_avx512(
    float *out, const float *b, const uint16_t *c, const float *v, intptr_t count,
    const float *w, intptr_t o);

/// Asks the processor to start loading rows `indices[0..<count]` (each `width`
/// bytes) of `base` into cache, without waiting for them (a hint; changes no data).
void tracker_prefetch_rows(const uint8_t *base, const intptr_t *indices, intptr_t count,
                           intptr_t width);

#endif
