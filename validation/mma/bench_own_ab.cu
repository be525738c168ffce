// The benchmark kernels with A and B registers per chain (bench_kernels.cuh,
// mma_bench_own_ab_kernel) for the forms STC_OWN_AB_FORMS names, behind launch_mma_bench_own_ab().
#include "validation/mma/bench_kernels.cuh"

namespace stcsim::validation {
namespace {

template <class F>
bool launch_own_ab(const BenchLaunch& p) {
    const dim3 block(static_cast<unsigned>(32 * p.warps));
    switch (p.ilp) {
        case 1: mma_bench_own_ab_kernel<1, F><<<1, block>>>(p.in, p.out, p.cycles, p.iters); break;
        case 2: mma_bench_own_ab_kernel<2, F><<<1, block>>>(p.in, p.out, p.cycles, p.iters); break;
        case 3: mma_bench_own_ab_kernel<3, F><<<1, block>>>(p.in, p.out, p.cycles, p.iters); break;
        case 4: mma_bench_own_ab_kernel<4, F><<<1, block>>>(p.in, p.out, p.cycles, p.iters); break;
        default: return false;
    }
    return true;
}

}  // namespace

bool launch_mma_bench_own_ab(const BenchLaunch& launch) {
    using namespace device;
    switch (launch.form) {
#define STC_CASE(id) \
    case id: return launch_own_ab<Form_##id>(launch);
        STC_OWN_AB_FORMS(STC_CASE)
#undef STC_CASE
        default: return false;
    }
}

}  // namespace stcsim::validation
