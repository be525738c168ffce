// `cutlass3_gemm launch`: a kernel's launch built on the host without a GPU, as
// GemmUniversalAdapter::initialize and run build it (cutlass3_args.h), with the tensor maps
// recorded (cutlass3_tensor_map.cu). Writes the Params bytes and prints one JSON object:
//   kernel, grid, block, cluster, smem (dynamic shared memory: Kernel::SharedStorageSize),
//   param_offset (where the compiler puts Params in the kernel's parameter buffer; see below),
//   params_bytes, sparse, tile, stages, sms, tiles ([M tiles, N tiles]), workspace_bytes,
//   buffers ({A, B, C, D, E: [address, bytes]}), tensor_maps (every map CUTLASS encoded).
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "validation/cutlass/cutlass3_args.h"
#include "validation/cutlass/cutlass3_host.h"
#include "validation/cutlass/cutlass_common.h"

namespace stcsim::cutlass3_gemm {
namespace {

using cutlass_common::kAddressA;
using cutlass_common::kAddressB;
using cutlass_common::kAddressC;
using cutlass_common::kAddressD;
using cutlass_common::kAddressE;

// The kernel's parameter buffer starts at byte 0x210 of constant bank 0 on sm_90, and the
// compiler aligns each parameter's absolute address there to the parameter's alignment: Params
// holds CUtensorMaps (alignas(128)), so it sits at 0x70 (0x280 absolute). cuobjdump -elf shows
// it as EIATTR_KPARAM_INFO Offset 0x70 for both kernels of this program.
constexpr unsigned kParamBase = 0x210;
template <class Params>
constexpr unsigned param_offset() {
    constexpr unsigned align = alignof(Params);
    return (align - kParamBase % align) % align;
}

std::string json_u64_array(const std::uint64_t* v, unsigned n) {
    std::string s = "[";
    for (unsigned i = 0; i < n; ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

std::string tensor_maps_json() {
    std::string s = "[";
    bool first = true;
    for (const auto& r : recorded_tensor_maps()) {
        std::uint64_t box[5], es[5];
        for (unsigned d = 0; d < 5; ++d) box[d] = r.box_dim[d], es[d] = r.element_stride[d];
        char address[32];
        std::snprintf(address, sizeof address, "0x%llx", static_cast<unsigned long long>(r.global_address));
        s += std::string(first ? "" : ", ") + "{\"rank\": " + std::to_string(r.rank) + ", \"box\": " +
             json_u64_array(box, r.rank) + ", \"dims\": " + json_u64_array(r.global_dim, r.rank) +
             ", \"strides\": " + json_u64_array(r.global_stride + 1, r.rank - 1) + ", \"element_strides\": " +
             json_u64_array(es, r.rank) + ", \"swizzle\": " + std::to_string(r.swizzle) + ", \"interleave\": " +
             std::to_string(r.interleave) + ", \"element_bytes\": " + std::to_string(r.element_bytes) +
             ", \"address\": \"" + address + "\"}";
        first = false;
    }
    return s + "]";
}

// CUTLASS builds Params from temporaries whose padding bytes are whatever the stack held, and the
// copies carry them along. Zeroing the stack below this frame and building Params in a frame there
// makes them 0, so that the params file is the same on every run (the kernel never reads padding).
__attribute__((noinline)) void zero_stack_below() {
    volatile unsigned char scratch[1 << 18];
    for (auto& b : scratch) b = 0;
}

template <class Kernel>
__attribute__((noinline)) void build_params(const typename Kernel::Arguments& args, unsigned char* out) {
    new (out) typename Kernel::Params(Kernel::to_underlying_arguments(args, nullptr));
}

template <class Kernel>
int launch(const Options& o, const char* name) {
    using Params = typename Kernel::Params;
    using Tile = typename Kernel::TileShape;
    if (o.params_out.empty()) usage("launch needs --params-out FILE");
    if (o.sms < 1) usage("--sms must be positive");
    Buffers buf = buffer_sizes<Kernel>(int(o.m), int(o.n), int(o.k));
    buf.a = kAddressA, buf.b = kAddressB, buf.c = kAddressC, buf.d = kAddressD;
    buf.e = kSparse<Kernel> ? kAddressE : 0;
    const auto args = make_arguments<Kernel>(int(o.m), int(o.n), int(o.k), buf, o.sms);
    if (!Kernel::can_implement(args)) usage("CUTLASS cannot run this problem size (TMA needs 16-byte aligned rows)");
    const std::size_t workspace = Kernel::get_workspace_size(args);
    // Params as bytes with zero padding (the bytes cudaLaunchKernel copies for the one parameter).
    alignas(Params) unsigned char bytes[sizeof(Params)];
    std::memset(bytes, 0, sizeof bytes);
    zero_stack_below();
    build_params<Kernel>(args, bytes);
    const Params* params = std::launder(reinterpret_cast<const Params*>(bytes));
    FILE* f = std::fopen(o.params_out.c_str(), "wb");
    if (!f || std::fwrite(bytes, sizeof bytes, 1, f) != 1 || std::fclose(f) != 0) {
        std::fprintf(stderr, "cutlass3_gemm: cannot write %s\n", o.params_out.c_str());
        return 1;
    }
    const dim3 grid = Kernel::get_grid_shape(*params), block = Kernel::get_block_shape();
    constexpr int tm = cute::size<0>(Tile{}), tn = cute::size<1>(Tile{}), tk = cute::size<2>(Tile{});
    std::printf("{\"kernel\": \"%s\", \"grid\": [%u, %u, %u], \"block\": [%u, %u, %u], \"cluster\": [1, 1, 1], "
                "\"smem\": %d, \"param_offset\": %u, \"params_bytes\": %zu, \"sparse\": %s, \"tile\": [%d, %d, %d], "
                "\"stages\": %d, \"schedule\": \"KernelTmaWarpSpecializedCooperative\", \"sms\": %d, "
                "\"tiles\": [%ld, %ld], \"workspace_bytes\": %zu, "
                "\"buffers\": {\"A\": [%llu, %llu], \"B\": [%llu, %llu], \"C\": [%llu, %llu], \"D\": [%llu, %llu], "
                "\"E\": [%llu, %llu]}, \"tensor_maps\": %s}\n",
                name, grid.x, grid.y, grid.z, block.x, block.y, block.z, Kernel::SharedStorageSize,
                param_offset<Params>(), sizeof(Params), kSparse<Kernel> ? "true" : "false", tm, tn, tk,
                int(Kernel::DispatchPolicy::Stages), o.sms, (o.m + tm - 1) / tm, (o.n + tn - 1) / tn, workspace,
                (unsigned long long)buf.a, (unsigned long long)buf.a_bytes, (unsigned long long)buf.b,
                (unsigned long long)buf.b_bytes, (unsigned long long)buf.c, (unsigned long long)buf.c_bytes,
                (unsigned long long)buf.d, (unsigned long long)buf.d_bytes, (unsigned long long)buf.e,
                (unsigned long long)buf.e_bytes, tensor_maps_json().c_str());
    return 0;
}

}  // namespace

int launch_command(const Options& o) {
#define STCSIM_LAUNCH(name, Kernel) \
    if (o.kernel == #name) return launch<Kernel>(o, #name);
    STCSIM_CUTLASS3_KERNELS(STCSIM_LAUNCH)
#undef STCSIM_LAUNCH
    usage("unknown kernel '" + o.kernel + "' (see cutlass3_gemm list)");
}

}  // namespace stcsim::cutlass3_gemm
