// Wider vectors for the CPU kernels' own loops, on any x86-64 machine, with the same bits.
//
// The build targets the x86-64 baseline (SSE2: 4 floats or 2 doubles per vector) so that its
// programs run on every x86-64 processor. The loops that the kernels run themselves (batch norm,
// activations, depthwise convolution, pooling, the optimizer) gain from AVX2 (8 floats) and
// AVX-512 (16 floats). A function marked ENGINE_VECTOR_CLONES is compiled three times (AVX-512,
// AVX2, baseline); the dynamic loader picks the widest one the processor supports, once, when
// the program starts (GCC's target_clones, through an ifunc).
//
// Why the results keep the same bits on every processor: the build switches off the contraction
// of a * b + c into one fused multiply-add (-ffp-contract=off, CMakeLists.txt), so each clone
// performs exactly the operations of the source, in its order, each rounded as IEEE 754 says;
// vectorising an elementwise loop does not change its arithmetic, and GCC does not reorder a
// floating-point sum without -ffast-math. A short training run's checkpoint is compared bit for
// bit with a baseline-only build (docs/BENCHMARKS.md, "The CPU kernels' own loops").
//
// Mark plain functions (templates are fine) that contain the loop itself. A lambda or function
// the loop calls is compiled into each clone only when it is inlined, which needs the same
// optimisation options (a file-level `#pragma GCC optimize` applies to both; an optimize
// attribute on the clone alone stops the inlining).
#pragma once

// A build configured with -DENGINE_BASELINE_LOOPS=ON defines ENGINE_VECTOR_CLONES empty: the
// baseline loops only, to compare results bit for bit with the default build.
#ifndef ENGINE_VECTOR_CLONES
#define ENGINE_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
