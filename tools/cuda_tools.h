// Finds NVIDIA's binary utilities (cuobjdump, nvdisasm) that the SASS front end runs.
//
// Contract: find_cuda_tool returns the path of an executable `name`, looked up in this order:
// the environment variable STCSIM_<NAME> (e.g. STCSIM_CUOBJDUMP), the project's .venv (where
// scripts/setup.sh installs the PyPI packages nvidia-cuda-cuobjdump / nvidia-cuda-nvdisasm, under
// lib/python3.*/site-packages/nvidia/cu*/bin), PATH, /usr/local/cuda/bin. When none has it, a
// UserError says how to install it.
#pragma once

#include <optional>
#include <string>

namespace stcsim::cli {

std::optional<std::string> locate_cuda_tool(const std::string& name);
std::string find_cuda_tool(const std::string& name);

}  // namespace stcsim::cli
