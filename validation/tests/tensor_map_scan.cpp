// tensor_map_scan PARAMS_FILE: the stcsim tensor-map records (isa/sass/tensor_map_record.h) inside
// a kernel's parameter bytes, as cutlass3_gemm launch writes them. A CUtensorMap is 128-byte
// aligned, so a record can only start at a multiple of 128 from the start of the (128-aligned)
// Params. One line per record that decodes:
//   map OFFSET rank=R dims=D0,D1,.. box=B0,.. strides=S1,.. swizzle=S element_bytes=E address=0x..
// and "maps N" last. Exit 1 when the file cannot be read. Used by check_cutlass3_launch.cmake.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "isa/sass/tensor_map_record.h"

namespace {

std::string join(const std::uint64_t* v, unsigned first, unsigned end) {
    std::string s;
    for (unsigned i = first; i < end; ++i) {
        if (i > first) s += ',';
        s += std::to_string(v[i]);
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    using stcsim::isa::sass::TensorMapRecord;
    if (argc != 2) {
        std::fprintf(stderr, "usage: tensor_map_scan PARAMS_FILE\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "tensor_map_scan: cannot read %s\n", argv[1]);
        return 1;
    }
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    int maps = 0;
    for (std::size_t offset = 0; offset + TensorMapRecord::kBytes <= bytes.size(); offset += TensorMapRecord::kBytes) {
        TensorMapRecord r;
        if (!stcsim::isa::sass::decode_tensor_map(bytes.data() + offset, r)) continue;
        std::uint64_t box[5];
        for (unsigned d = 0; d < 5; ++d) box[d] = r.box_dim[d];
        std::printf("map %zu rank=%u dims=%s box=%s strides=%s swizzle=%u element_bytes=%u address=0x%llx\n", offset,
                    r.rank, join(r.global_dim, 0, r.rank).c_str(), join(box, 0, r.rank).c_str(),
                    join(r.global_stride, 1, r.rank).c_str(), r.swizzle, r.element_bytes,
                    static_cast<unsigned long long>(r.global_address));
        ++maps;
    }
    std::printf("maps %d\n", maps);
    return 0;
}
