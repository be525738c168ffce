#!/usr/bin/env bash
# More functional probes of chosen forms: mma_probes / wgmma_probes once per seed and form, gathered
# into one measurement folder that `stcsim compare` reads like run_all.sh's probes/:
#   header.json              GPU, driver, compute capability, date, source commit, every command
#   probes/index.json        the forms of every mma_probes run; each file is renamed s<seed>_<name>
#   probes/wgmma_index.json  the same for wgmma_probes
#   logs/                    stderr of each run
# Usage: validation/run_probe_seeds.sh OUT_DIR BUILD_DIR "SEEDS" [mma|wgmma PTX]...
#   e.g. run_probe_seeds.sh out build/release "1 2 3" mma 'mma.sp.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32'
# STCSIM_SOURCE_COMMIT names the sources' commit where the tree is a copy without git history.
set -euo pipefail

if [[ $# -lt 5 ]]; then
    echo "usage: $0 OUT_DIR BUILD_DIR \"SEEDS\" (mma|wgmma) PTX [(mma|wgmma) PTX]..." >&2
    exit 2
fi
out=$1 bin=$2/validation seeds=$3
shift 3
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/probes" "$out/logs" "$out/runs"
: > "$out/commands.txt"
status=0
run=0
while [[ $# -ge 2 ]]; do
    kind=$1 instr=$2
    shift 2
    [[ $kind == mma || $kind == wgmma ]] || { echo "$0: expected mma or wgmma, got '$kind'" >&2; exit 2; }
    for seed in $seeds; do
        run=$((run + 1))
        dir=$out/runs/$run
        mkdir -p "$dir"
        command=("$bin/${kind}_probes" --out "$dir" --instr "$instr" --seed "$seed")
        printf '%q ' "${command[@]}" >> "$out/commands.txt"
        echo >> "$out/commands.txt"
        echo "$seed" > "$dir/seed"
        timeout 60 "${command[@]}" > "$out/logs/run$run.stdout" 2> "$out/logs/run$run.log" || {
            echo "$0: run $run ($kind seed $seed) failed (see $out/logs/run$run.log)" >&2
            status=1
        }
    done
done

# One index per program: every run's forms, its files renamed s<seed>_<name> so that seeds do not
# collide. The files themselves are moved unchanged.
python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
merged = {}
runs = os.path.join(out, "runs")
for run in sorted(os.listdir(runs), key=int):
    d = os.path.join(runs, run)
    seed = open(os.path.join(d, "seed")).read().strip()
    for index_name in ("index.json", "wgmma_index.json"):
        path = os.path.join(d, index_name)
        if not os.path.exists(path):
            continue
        index = json.load(open(path))
        target = merged.setdefault(index_name, {k: v for k, v in index.items() if k != "forms"} | {"forms": [], "seeds": []})
        target["seeds"].append(int(seed))
        for form in index["forms"]:
            form["seed"] = int(seed)
            form["id"] = f"s{seed}_{form['id']}"
            for part in ("valid", "invalid"):
                if part not in form:
                    continue
                for key in ("cases_file", "gpu_file"):
                    name = form[part][key]
                    os.rename(os.path.join(d, name), os.path.join(out, "probes", f"s{seed}_{name}"))
                    form[part][key] = f"s{seed}_{name}"
            target["forms"].append(form)
for index_name, index in merged.items():
    with open(os.path.join(out, "probes", index_name), "w") as f:
        json.dump(index, f, indent=1)
PY
rm -rf "$out/runs"

smi() { nvidia-smi --query-gpu="$1" --format=csv,noheader 2>/dev/null | head -n 1 | sed 's/"/\\"/g' || echo unknown; }
commands=$(sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/' "$out/commands.txt" | paste -sd, -)
cat > "$out/header.json" <<JSON
{"gpu": "$(smi name)", "driver_version": "$(smi driver_version)",
 "clocks_sm_mhz": "$(smi clocks.sm)", "clocks_max_sm_mhz": "$(smi clocks.max.sm)", "clocks_mem_mhz": "$(smi clocks.mem)",
 "compute_capability": "$(smi compute_cap)",
 "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "source_commit": "${STCSIM_SOURCE_COMMIT:-$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)}",
 "script": "validation/run_probe_seeds.sh", "commands": [$commands]}
JSON
echo "results in $out (status $status)" >&2
exit $status
