// See include/CTrackerKernels.h. The functions that use AVX-512 carry a target
// attribute, so the rest of the package needs no special compiler flags, and they
// are called only after tracker_kernels_have_avx512() said yes.
//
// The operations mirror Kernels+SIMD.swift lane for lane: a 40-output block keeps
// two accumulator sets (a: b + even entries, e: odd entries; the last odd entry
// goes to a), stored as a + e; a 16-output block likewise; an 8-output block four
// sets summed as (a0 + a1) + (a2 + a3). A 40-output block is 16 + 16 + 8 lanes here
// instead of 5 x 8: the same per-lane arithmetic (fused multiply-adds, in the same
// order), in 3 loads per weight row instead of 5. No -ffast-math: the compiler
// may not reassociate or contract anything beyond the explicit fmadd intrinsics.

#include "CTrackerKernels.h"

void tracker_prefetch_rows(const uint8_t *base, const intptr_t *indices, intptr_t count,
                           intptr_t width) {
  for (intptr_t b = 0; b < count; b++) {
    const uint8_t *row = base + indices[b] * width;
    for (intptr_t offset = 0; offset < width; offset += 64) __builtin_prefetch(row + offset);
    __builtin_prefetch(row + width - 1);
  }
}

#if defined(__x86_64__)
#include <immintrin.h>

int tracker_kernels_have_avx512(void) {
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
  }
  return cached;
}

#define TK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))
#define TK_INLINE static inline __attribute__((always_inline)) TK_TARGET

TK_INLINE void combine40(float *out, const float *b, const uint16_t *c, const float *v,
                         intptr_t count, const float *w, intptr_t o) {
  __m512 a0 = _mm512_loadu_ps(b), a1 = _mm512_loadu_ps(b + 16);
  __m256 a2 = _mm256_loadu_ps(b + 32);
  __m512 e0 = _mm512_setzero_ps(), e1 = _mm512_setzero_ps();
  __m256 e2 = _mm256_setzero_ps();
  intptr_t k = 0;
  for (; k + 2 <= count; k += 2) {
    const float *r = w + (intptr_t)c[k] * o;
    __m512 s = _mm512_set1_ps(v[k]);
    a0 = _mm512_fmadd_ps(s, _mm512_loadu_ps(r), a0);
    a1 = _mm512_fmadd_ps(s, _mm512_loadu_ps(r + 16), a1);
    a2 = _mm256_fmadd_ps(_mm512_castps512_ps256(s), _mm256_loadu_ps(r + 32), a2);
    const float *q = w + (intptr_t)c[k + 1] * o;
    __m512 t = _mm512_set1_ps(v[k + 1]);
    e0 = _mm512_fmadd_ps(t, _mm512_loadu_ps(q), e0);
    e1 = _mm512_fmadd_ps(t, _mm512_loadu_ps(q + 16), e1);
    e2 = _mm256_fmadd_ps(_mm512_castps512_ps256(t), _mm256_loadu_ps(q + 32), e2);
  }
  if (k < count) {
    const float *r = w + (intptr_t)c[k] * o;
    __m512 s = _mm512_set1_ps(v[k]);
    a0 = _mm512_fmadd_ps(s, _mm512_loadu_ps(r), a0);
    a1 = _mm512_fmadd_ps(s, _mm512_loadu_ps(r + 16), a1);
    a2 = _mm256_fmadd_ps(_mm512_castps512_ps256(s), _mm256_loadu_ps(r + 32), a2);
  }
  _mm512_storeu_ps(out, _mm512_add_ps(a0, e0));
  _mm512_storeu_ps(out + 16, _mm512_add_ps(a1, e1));
  _mm256_storeu_ps(out + 32, _mm256_add_ps(a2, e2));
}

TK_INLINE void combine16(float *out, const float *b, const uint16_t *c, const float *v,
                         intptr_t count, const float *w, intptr_t o) {
  __m512 a0 = _mm512_loadu_ps(b), e0 = _mm512_setzero_ps();
  intptr_t k = 0;
  for (; k + 2 <= count; k += 2) {
    a0 = _mm512_fmadd_ps(_mm512_set1_ps(v[k]), _mm512_loadu_ps(w + (intptr_t)c[k] * o), a0);
    e0 = _mm512_fmadd_ps(_mm512_set1_ps(v[k + 1]), _mm512_loadu_ps(w + (intptr_t)c[k + 1] * o),
                         e0);
  }
  if (k < count)
    a0 = _mm512_fmadd_ps(_mm512_set1_ps(v[k]), _mm512_loadu_ps(w + (intptr_t)c[k] * o), a0);
  _mm512_storeu_ps(out, _mm512_add_ps(a0, e0));
}

TK_INLINE void combine8(float *out, const float *b, const uint16_t *c, const float *v,
                        intptr_t count, const float *w, intptr_t o) {
  __m256 a0 = _mm256_loadu_ps(b), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(),
         a3 = _mm256_setzero_ps();
  intptr_t k = 0;
  for (; k + 4 <= count; k += 4) {
    a0 = _mm256_fmadd_ps(_mm256_set1_ps(v[k]), _mm256_loadu_ps(w + (intptr_t)c[k] * o), a0);
    a1 = _mm256_fmadd_ps(_mm256_set1_ps(v[k + 1]), _mm256_loadu_ps(w + (intptr_t)c[k + 1] * o),
                         a1);
    a2 = _mm256_fmadd_ps(_mm256_set1_ps(v[k + 2]), _mm256_loadu_ps(w + (intptr_t)c[k + 2] * o),
                         a2);
    a3 = _mm256_fmadd_ps(_mm256_set1_ps(v[k + 3]), _mm256_loadu_ps(w + (intptr_t)c[k + 3] * o),
                         a3);
  }
  for (; k < count; k++)
    a0 = _mm256_fmadd_ps(_mm256_set1_ps(v[k]), _mm256_loadu_ps(w + (intptr_t)c[k] * o), a0);
  _mm256_storeu_ps(out, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
}

TK_INLINE void row_combination(float *out, const float *b, const uint16_t *c, const float *v,
                               intptr_t count, const float *w, intptr_t o) {
  intptr_t j = 0;
  for (; j + 40 <= o; j += 40) combine40(out + j, b + j, c, v, count, w + j, o);
  for (; j + 16 <= o; j += 16) combine16(out + j, b + j, c, v, count, w + j, o);
  if (j + 8 <= o) combine8(out + j, b + j, c, v, count, w + j, o);
}

TK_TARGET void tracker_row_combination_avx512(float *out, const float *b, const uint16_t *c,
                                              const float *v, intptr_t count, const float *w,
                                              intptr_t o) {
  row_combination(out, b, c, v, count, w, o);
}

TK_TARGET void tracker_sparse_forward_split_avx512(
    float *out, const intptr_t *row_start, const intptr_t *split, const uint16_t *c,
    const float *v, intptr_t row_begin, intptr_t row_end, const float *w, const float *b,
    intptr_t o, float *partial) {
  intptr_t m = 0;
  for (intptr_t r = row_begin; r < row_end; r++, m++) {
    intptr_t start = row_start[r];
    row_combination(partial + m * o, b, c + start, v + start, split[r] - start, w, o);
  }
  m = 0;
  for (intptr_t r = row_begin; r < row_end; r++, m++) {
    intptr_t start = split[r];
    row_combination(out + m * o, partial + m * o, c + start, v + start,
                    row_start[r + 1] - start, w, o);
  }
}

#else

int tracker_kernels_have_avx512(void) { return 0; }

void tracker_sparse_forward_split_avx512(float *out, const intptr_t *row_start,
                                         const intptr_t *split, const uint16_t *c,
                                         const float *v, intptr_t row_begin, intptr_t row_end,
                                         const float *w, const float *b, intptr_t o,
                                         float *partial) {
  __builtin_trap();
}

void tracker_row_combination_avx512(float *out, const float *b, const uint16_t *c,
                                    const float *v, intptr_t count, const float *w,
                                    intptr_t o) {
  __builtin_trap();
}

#endif
