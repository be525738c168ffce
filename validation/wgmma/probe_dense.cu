// The wgmma probe kernels of the probed dense rows of wgmma/wgmma_forms.def: one instantiation
// per form, A source and legal selector, behind launch_wgmma_probe_dense().
#include "validation/wgmma/probe_kernel.cuh"

namespace stcsim::validation {

bool launch_wgmma_probe_dense(const WgmmaProbeLaunch& launch) {
    using namespace device;
    switch (launch.form) {
#define STC_CASE_DENSE_1(id) \
    case id: return launch_wgmma_probe<Wg_##id>(launch);
#define STC_CASE_SP_1(id)
#define STC_CASE_DENSE_0(id)
#define STC_CASE_SP_0(id)
#define STC_WGMMA(id, ptx, N, K, AT, BT, DT, DREGS, SYNTAX, SPARSITY, NSEL, BENCH, PROBE) STC_CASE_##SPARSITY##_##PROBE(id)
#include "validation/wgmma/wgmma_forms.def"
#undef STC_WGMMA
#undef STC_CASE_DENSE_0
#undef STC_CASE_DENSE_1
#undef STC_CASE_SP_0
#undef STC_CASE_SP_1
        default: return false;
    }
}

}  // namespace stcsim::validation
