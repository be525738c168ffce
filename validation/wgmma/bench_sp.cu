// The wgmma benchmark kernels of the sp rows of wgmma/wgmma_forms.def: one instantiation per
// form, A source and ILP, behind launch_wgmma_bench_sp().
#include "validation/wgmma/bench_kernel.cuh"

namespace stcsim::validation {
namespace {

using namespace device;

void* entry(const WgmmaBenchLaunch& launch) {
    switch (launch.form) {
#define STC_CASE_SP_1(id) \
    case id: return wgmma_bench_entry<Wg_##id>(launch);
#define STC_CASE_DENSE_1(id)
#define STC_CASE_DENSE_0(id)
#define STC_CASE_SP_0(id)
#define STC_WGMMA(id, ptx, N, K, AT, BT, DT, DREGS, SYNTAX, SPARSITY, NSEL, BENCH, PROBE) STC_CASE_##SPARSITY##_##BENCH(id)
#include "validation/wgmma/wgmma_forms.def"
#undef STC_WGMMA
#undef STC_CASE_DENSE_0
#undef STC_CASE_DENSE_1
#undef STC_CASE_SP_0
#undef STC_CASE_SP_1
        default: return nullptr;
    }
}

}  // namespace

bool launch_wgmma_bench_sp(const WgmmaBenchLaunch& launch) { return launch_wgmma_bench_entry(entry(launch), launch); }
WgmmaKernelInfo wgmma_bench_info_sp(const WgmmaBenchLaunch& launch) { return wgmma_bench_entry_info(entry(launch)); }

}  // namespace stcsim::validation
