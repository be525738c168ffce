#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer, ASan, UBSan) into build/fuzz and runs every fuzz target
# for SECONDS (default 30) each; prints each target's executions and coverage. A finding makes it
# fail and leaves the input as build/fuzz/fuzz/crash-* (replay it: build/fuzz/fuzz/fuzz_<target> FILE).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# STCSIM_SKIP_FUZZ=1 skips (exit 77, which ctest counts as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${STCSIM_SKIP_FUZZ:-0}" = 1 ]; then echo "fuzz: skipped (STCSIM_SKIP_FUZZ=1)"; exit 77; fi
# One run at a time per checkout: two would rebuild build/fuzz under each other and share its corpora.
mkdir -p build
exec 9>build/fuzz.lock
if ! flock -n 9; then echo "fuzz: waiting for the fuzz run that holds build/fuzz.lock"; flock 9; fi
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(trace_replay config_replay mma_case compare_record sass_trace)
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
status=0
for t in "${targets[@]}"; do
  mkdir -p "build/fuzz/fuzz/work/$t"
  log="build/fuzz/fuzz/work/$t.log"
  echo "fuzz: $t for $seconds s"
  if ! (cd build/fuzz/fuzz && "./fuzz_$t" -max_total_time="$seconds" -max_len=16384 -timeout=20 -rss_limit_mb=4096 \
          -print_final_stats=1 "work/$t" "../../../fuzz/corpus/$t" >"work/$t.log" 2>&1); then
    status=1
    echo "fuzz: $t FOUND A PROBLEM (full log: $log)"
    grep -E "ERROR|SUMMARY|Test unit written|uncaught|what\(\)" "$log" | head -10 || true
  fi
  grep -E "stat::number_of_executed_units|cov: .*ft:" "$log" | tail -2 || true
done
exit $status
