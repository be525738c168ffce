// The benchmark kernels of the mma.sp::ordered_metadata forms (mma_forms_spo.def), one instantiation per form
// and ILP 1..4, behind launch_mma_bench_spo().
#include "validation/mma/bench_kernels.cuh"

namespace stcsim::validation {

bool launch_mma_bench_spo(const BenchLaunch& launch) {
    using namespace device;
    switch (launch.form) {
#define STC_FORM(id, ...) \
    case id: return launch_bench<Form_##id>(launch);
#include "validation/common/mma_forms_spo.def"
#undef STC_FORM
        default: return false;
    }
}

}  // namespace stcsim::validation
