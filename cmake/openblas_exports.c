/* The OpenBLAS functions the engine calls, for a portable build (CMakeLists.txt, ENGINE_PORTABLE):
 * libengine_openblas.so is made of Debian's static libopenblas.a, and the linker takes from an
 * archive only what something refers to. This table is that reference. A new call into OpenBLAS
 * that is missing here fails to link in a portable build, naming the function: add it here. */
#include <cblas.h>

typedef void (*engine_any_function)(void);

const engine_any_function engine_openblas_exports[] = {
    (engine_any_function)cblas_sgemm,              /* kernels/cpu/blas.h */
    (engine_any_function)cblas_dgemm,              /* kernels/cpu/blas.h */
    (engine_any_function)openblas_get_config,      /* apps/common/environment.cpp */
    (engine_any_function)openblas_get_corename,    /* kernels/cpu/blas.cpp */
    (engine_any_function)openblas_get_num_threads, /* bench/end_to_end_bench.cpp */
    (engine_any_function)openblas_set_num_threads, /* kernels/cpu/blas.cpp */
};
