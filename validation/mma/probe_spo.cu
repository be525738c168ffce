// The probe kernels of the mma.sp::ordered_metadata forms (mma_forms_spo.def), one instantiation per form
// and legal selector, behind launch_mma_probe_spo().
#include "validation/mma/probe_kernels.cuh"

namespace stcsim::validation {

bool launch_mma_probe_spo(const ProbeLaunch& launch) {
    using namespace device;
    switch (launch.form) {
#define STC_FORM(id, ...) \
    case id: return launch_probe<Form_##id>(launch);
#include "validation/common/mma_forms_spo.def"
#undef STC_FORM
        default: return false;
    }
}

}  // namespace stcsim::validation
