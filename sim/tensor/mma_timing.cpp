#include "sim/tensor/mma_timing.h"

#include <cmath>

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::sim {

std::string input_family(isa::ElemType type) {
    using isa::ElemType;
    switch (type) {
        case ElemType::f16: return "f16";
        case ElemType::bf16: return "bf16";
        case ElemType::tf32: return "tf32";
        case ElemType::e4m3:
        case ElemType::e5m2: return "fp8";
        case ElemType::s8:
        case ElemType::u8: return "int8";
        case ElemType::s4:
        case ElemType::u4: return "int4";
        default: throw InternalError("no tensor-core input family for " + std::string(isa::name(type)));
    }
}

namespace {

bool matches(const std::string& pattern, const std::string& value) { return pattern == "*" || pattern == value; }

std::string opcode_class(const std::string& sass) {
    const auto end = sass.find_first_of(". ");
    return sass.substr(0, end);
}

}  // namespace

MmaTiming resolve_timing(const isa::MmaForm& form, const TensorCoreSpec& spec) {
    MmaTiming t;
    t.opcode = opcode_class(form.sass);
    t.inputs = input_family(form.a);
    t.accumulator = std::string(isa::name(form.c));
    t.sparse = form.is_sparse();
    t.dense_fma = form.dense_fma_count();
    t.real_multiplies = t.sparse ? t.dense_fma / 2 : t.dense_fma;
    t.front_cycles = t.sparse ? spec.metadata_decode_cycles + spec.b_select_cycles : 0;

    const RateSpec* rate = nullptr;
    for (const RateSpec& r : spec.rates)
        if (r.inputs == t.inputs && matches(r.accumulator, t.accumulator)) {
            rate = &r;
            break;
        }
    if (rate == nullptr)
        throw UserError(fmt::format("sm.tensor_core.rates: no entry for inputs {} with accumulator {} ({})",
                                    t.inputs, t.accumulator, form.ptx));
    if (rate->factor <= 0)
        throw UserError(fmt::format("sm.tensor_core.rates: {} with accumulator {} has rate factor 0: "
                                    "this GPU's tensor cores do not run {}", t.inputs, t.accumulator, form.ptx));
    t.rate_factor = rate->factor;
    const double per_cycle = static_cast<double>(spec.dot_product_units) * spec.dot_product_width * rate->factor;
    // A form with fewer rows than the datapath takes still occupies a full pass of rows.
    const double occupied = static_cast<double>(t.real_multiplies) * std::max(1.0, static_cast<double>(spec.datapath_rows) / form.shape.m);
    const double interval = std::ceil(occupied / per_cycle - 1e-9) + spec.warp_mma_overhead_cycles +
                            (t.sparse ? spec.sparse_mma_overhead_cycles : 0);
    if (interval > kMaxInstrLatency)
        throw UserError(fmt::format("sm.tensor_core.rates: {} with accumulator {} at rate factor {} needs {} cycles per {}: "
                                    "more than {}", t.inputs, t.accumulator, rate->factor, interval, form.ptx, kMaxInstrLatency));
    t.interval = std::max(1, static_cast<int>(interval));

    const std::string shape = isa::shape_name(form.shape);
    const std::string sparsity = t.sparse ? "sparse" : "dense";
    for (std::size_t i = 0; i < spec.latencies.size(); ++i) {
        const LatencySpec& l = spec.latencies[i];
        if (!matches(l.opcode, t.opcode) || !matches(l.shape, shape) || !matches(l.inputs, t.inputs) ||
            !matches(l.accumulator, t.accumulator) || !matches(l.sparsity, sparsity))
            continue;
        if (l.interval > 0) t.interval = l.interval;
        t.latency = l.cycles;
        t.latency_source = fmt::format("sm.tensor_core.latencies.{} ({})", i, l.source);
        return t;
    }
    t.latency = spec.default_fixed_cycles + t.interval + t.front_cycles;
    if (t.latency > kMaxInstrLatency)
        throw UserError(fmt::format("sm.tensor_core.default_fixed_cycles: the latency of {} would be {} cycles, more than {}",
                                    form.ptx, t.latency, kMaxInstrLatency));
    t.latency_source = fmt::format("sm.tensor_core.default_fixed_cycles + interval ({})", spec.default_source);
    return t;
}

MmaTiming resolve_wgmma_timing(const isa::WgmmaForm& form, const TensorCoreSpec& spec, int sub_partitions) {
    const WgmmaSpec& w = spec.wgmma;
    if (w.fixed_cycles <= 0)
        throw UserError(fmt::format("sm.tensor_core.wgmma.fixed_cycles: 0 (no warp-group MMA path) in this config, "
                                    "which cannot run {}", form.ptx));
    MmaTiming t;
    t.wgmma = true;
    t.opcode = opcode_class(form.sass);
    t.inputs = input_family(form.a);
    t.accumulator = std::string(isa::name(form.d));
    t.sparse = form.sparse;
    const int slices = isa::kWgmmaM / 16;
    t.dense_fma = form.dense_fma_count() / slices;
    t.real_multiplies = form.issued_fma_count() / slices;
    t.front_cycles = t.sparse ? spec.metadata_decode_cycles + spec.b_select_cycles : 0;
    const RateSpec* rate = nullptr;
    for (const RateSpec& r : spec.rates)
        if (r.inputs == t.inputs && matches(r.accumulator, t.accumulator)) {
            rate = &r;
            break;
        }
    if (rate == nullptr || rate->factor <= 0)
        throw UserError(fmt::format("sm.tensor_core.rates: no positive rate for inputs {} with accumulator {} ({})",
                                    t.inputs, t.accumulator, form.ptx));
    t.rate_factor = rate->factor;
    const double per_cycle = static_cast<double>(spec.dot_product_units) * spec.dot_product_width * rate->factor;
    t.compute_cycles = std::max(1, static_cast<int>(std::ceil(static_cast<double>(t.real_multiplies) / per_cycle - 1e-9)));
    const int bytes = (form.a_source == isa::WgmmaSource::shared ? form.a_tile_bytes() : 0) + form.b_tile_bytes();
    const double slice_bytes = static_cast<double>(bytes) / slices;
    const double port = static_cast<double>(w.operand_bytes_per_cycle) / std::max(1, sub_partitions);
    t.operand_cycles = static_cast<int>(std::ceil(slice_bytes / port - 1e-9));
    t.interval = std::max(t.compute_cycles, t.operand_cycles);
    t.latency = w.fixed_cycles + t.interval + t.front_cycles;
    if (t.latency > kMaxInstrLatency)
        throw UserError(fmt::format("sm.tensor_core.wgmma: the latency of {} would be {} cycles, more than {}", form.ptx,
                                    t.latency, kMaxInstrLatency));
    t.latency_source = fmt::format("sm.tensor_core.wgmma.fixed_cycles + interval ({})", w.source);
    return t;
}

double peak_fma_per_cycle(const MmaTiming& timing) {
    return static_cast<double>(timing.dense_fma) / timing.interval;
}

}  // namespace stcsim::sim
