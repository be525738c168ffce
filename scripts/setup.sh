#!/usr/bin/env bash
# Sets up stcsim on a fresh Debian machine: installs the Debian packages it builds with, creates the
# Python virtual environment (plotting and report tools, the `stcsim` Python package and its
# sweeps), and builds the release preset, the package's compiled module included.
# Safe to run again: it only installs what is missing and rebuilds what changed.
#
#   scripts/setup.sh              everything the tests need: the Python environment, the simulator,
#                                 the tests and the CUDA validation programs (when nvcc is there)
#   scripts/setup.sh --simulator  the Debian packages and the `stcsim` binary only (the quick start)
set -euo pipefail
cd "$(dirname "$0")/.."
simulator_only=0
case "${1:-}" in
  "") ;;
  --simulator) simulator_only=1 ;;
  *) echo "usage: scripts/setup.sh [--simulator]" >&2; exit 2 ;;
esac

packages=(cmake ninja-build g++ libboost-dev libboost-program-options-dev libboost-iostreams-dev
          libfmt-dev nlohmann-json3-dev libgtest-dev libgmock-dev zlib1g-dev libzstd-dev liblzma-dev pkg-config time
          python3 python3-venv python3-dev pybind11-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "$simulator_only" = 1 ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target stcsim
  exit 0
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! cmp -s tools/requirements.txt .venv/.installed-requirements 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r tools/requirements.txt
  cp tools/requirements.txt .venv/.installed-requirements
fi
# `import stcsim` from .venv/bin/python: the package (python/) and the module the release build makes.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
printf '%s\n' "$PWD/python" "$PWD/build/release/python/stcsim_native" > "$site/stcsim.pth"
# cuobjdump / nvdisasm (the SASS front end) and the CUTLASS headers: binaries and headers only.
if ! cmp -s tools/requirements-cuda.txt .venv/.installed-requirements-cuda 2>/dev/null; then
  .venv/bin/pip install --quiet --disable-pip-version-check --no-deps -r tools/requirements-cuda.txt
  cp tools/requirements-cuda.txt .venv/.installed-requirements-cuda
fi

cmake --preset release -DPYTHON_EXECUTABLE="$PWD/.venv/bin/python" >/dev/null
cmake --build --preset release
