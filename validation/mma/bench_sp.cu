// The benchmark kernels of the mma.sp forms (mma_forms_sp.def), one instantiation per form
// and ILP 1..4, behind launch_mma_bench_sp().
#include "validation/mma/bench_kernels.cuh"

namespace stcsim::validation {

bool launch_mma_bench_sp(const BenchLaunch& launch) {
    using namespace device;
    switch (launch.form) {
#define STC_FORM(id, ...) \
    case id: return launch_bench<Form_##id>(launch);
#include "validation/common/mma_forms_sp.def"
#undef STC_FORM
        default: return false;
    }
}

}  // namespace stcsim::validation
