#!/usr/bin/env bash
# Installs what building, testing and the optional plotting scripts need:
# the Debian packages (compiler, CMake, libraries, Python venv support) and a Python virtual
# environment in .venv with the packages of tools/requirements.txt.
# Usage: scripts/setup.sh [--no-apt]   (--no-apt: only (re)create .venv)
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" != "--no-apt" ]]; then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends \
        g++ cmake ninja-build libfmt-dev nlohmann-json3-dev libboost-program-options-dev \
        libgtest-dev python3 python3-venv python3-pip
fi

if [[ ! -x .venv/bin/python ]]; then python3 -m venv .venv; fi
.venv/bin/pip install --upgrade pip
.venv/bin/pip install -r tools/requirements.txt
echo "ready: cmake --preset release && cmake --build build/release; plots: .venv/bin/python tools/plot_sweep.py"
