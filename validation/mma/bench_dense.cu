// The benchmark kernels of the dense mma forms (mma_forms_dense.def), one instantiation per form
// and ILP 1..4, behind launch_mma_bench_dense().
#include "validation/mma/bench_kernels.cuh"

namespace stcsim::validation {

bool launch_mma_bench_dense(const BenchLaunch& launch) {
    using namespace device;
    switch (launch.form) {
#define STC_FORM(id, ...) \
    case id: return launch_bench<Form_##id>(launch);
#include "validation/common/mma_forms_dense.def"
#undef STC_FORM
        default: return false;
    }
}

}  // namespace stcsim::validation
