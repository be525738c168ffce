// What a launch knows of global memory: the bytes the host wrote there before the kernel ran
// (cudaMemcpy), so that the emulator can follow code whose addresses depend on loaded data
// (a pointer chase, an index table).
//
// Contract: read() gives `bytes` bytes at `address` in `out` and returns true where every byte is
// known, false otherwise (the load's result stays opaque); covers() says whether any byte of the
// range is known. The contents never change during a launch: a store over known bytes must write
// what they hold (a kernel that fills its own table as the host would), else the emulator refuses
// it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stcsim::isa::sass {

class GlobalMemory {
public:
    virtual ~GlobalMemory() = default;
    virtual bool read(std::uint64_t address, std::size_t bytes, std::uint8_t* out) const = 0;
    virtual bool covers(std::uint64_t address, std::size_t bytes) const = 0;
};

}  // namespace stcsim::isa::sass
