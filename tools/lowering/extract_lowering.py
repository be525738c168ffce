#!/usr/bin/env python3
"""Extracts the SASS sequence that ptxas emits for each warp-level mma form an architecture has
no tensor instruction for (sm_90: every int4 form), and writes isa/lowering_sm_90.inc.

For each form it compiles one kernel that runs the instruction in a loop (`#pragma unroll 1`,
C in the same registers as D), disassembles it with cuobjdump, takes the loop body, expands the
CALL into the subroutine ptxas emitted, drops the loop's own counter, compare and branch, and
records every instruction with the registers it writes and reads (register ranges expanded to
single registers) and the stall count ptxas put in its control bits (the cycles the warp waits
before its next instruction). The result is what one warp executes per mma on that architecture.

Needs nvcc (CUDA 12 or later) and cuobjdump (PyPI nvidia-cuda-cuobjdump, in .venv after
scripts/setup.sh --with-cuda-tools, or on PATH).
Usage: tools/lowering/extract_lowering.py [--nvcc PATH] [--cuobjdump PATH] [--out FILE]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARCH = "sm_90"
FORM_FILES = ["mma_forms_dense.def", "mma_forms_sp.def", "mma_forms_spo.def"]
FORM = re.compile(r'STC_FORM\((\w+), "([^"]+)", (\d+), (\d+), (\d+), (\w+), (\w+), (\w+), (\w+), (\d+), (\d+), (\d+), (\d+), (\w+), (\d+), (\d+)\)')


def int4_forms():
    """Every int4 form of validation/common/mma_forms*.def: (id, ptx, a_regs, b_regs, c_regs, sparse)."""
    forms = []
    for name in FORM_FILES:
        with open(os.path.join(ROOT, "validation", "common", name)) as f:
            for line in f:
                m = FORM.search(line)
                if not m or m.group(6) not in ("s4", "u4"):
                    continue
                forms.append((m.group(1), m.group(2), int(m.group(10)), int(m.group(11)), int(m.group(12)), m.group(14) != "DENSE"))
    return forms


def kernel(ident, ptx, a_regs, b_regs, c_regs, sparse):
    regs = [f"a{i}" for i in range(a_regs)] + [f"b{i}" for i in range(b_regs)]
    loads = "".join(f"  unsigned {r} = p[{i}];\n" for i, r in enumerate(regs))
    loads += "".join(f"  int c{i} = (int)p[{len(regs) + i}];\n" for i in range(c_regs))
    if sparse:
        loads += f"  unsigned e = p[{len(regs) + c_regs}];\n"
    d = ",".join(f"%{i}" for i in range(c_regs))
    a = ",".join(f"%{c_regs + i}" for i in range(a_regs))
    b = ",".join(f"%{c_regs + a_regs + i}" for i in range(b_regs))
    operands = f"{{{d}}}, {{{a}}}, {{{b}}}, {{{d}}}"
    if sparse:
        operands += f", %{c_regs + a_regs + b_regs}, 0x0"
    outs = ",".join(f'"+r"(c{i})' for i in range(c_regs))
    ins = ",".join(f'"r"({r})' for r in regs + (["e"] if sparse else []))
    store = "".join(f"  out[{i}] = c{i};\n" for i in range(c_regs))
    return (f"__global__ void {ident}(int* out, const unsigned* p, int iters) {{\n{loads}"
            f"  #pragma unroll 1\n  for (int i = 0; i < iters; ++i)\n"
            f"    asm volatile(\"{ptx} {operands};\" : {outs} : {ins});\n{store}}}\n")


LINE = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;\s*/\* 0x[0-9a-f]+ \*/")
HIGH_WORD = re.compile(r"^\s*/\* (0x[0-9a-f]+) \*/\s*$")


def stall_cycles(high_word):
    """The stall count of an instruction's control bits (bits 105-108 of the 128-bit encoding on
    sm_70 and later: bits 41-44 of the high word): cycles before the warp may issue again."""
    return (high_word >> 41) & 0xF


def functions(sass):
    """{kernel name: [(address, instruction text, stall cycles)]} from cuobjdump -sass output,
    where each instruction is one line with its low word and one line with its high word."""
    out, name = {}, None
    lines = sass.splitlines()
    for i, line in enumerate(lines):
        m = re.search(r"Function : (\S+)", line)
        if m:
            name = m.group(1)
            out[name] = []
            continue
        m = LINE.search(line)
        if m and name:
            high = HIGH_WORD.match(lines[i + 1]) if i + 1 < len(lines) else None
            if not high:
                sys.exit(f"extract_lowering: no high word after '{line.strip()}'")
            out[name].append((int(m.group(1), 16), m.group(2).strip(), stall_cycles(int(high.group(1), 16))))
    return out


def target(text):
    return int(re.search(r"0x([0-9a-f]+)", text.split(None, 1)[1]).group(1), 16)


def opcode_of(text):
    return re.sub(r"^@!?U?P[T0-9]+\s+", "", text).split()[0]


# Register widths of the 8-bit tensor instructions' operands (D, A, B, C), dense and sparse (A
# compressed; the metadata register follows C), as in isa/catalog for the s8 forms.
MMA_WIDTHS = {"16816": (4, 2, 1, 4), "16832": (4, 4, 2, 4), "8816": (2, 1, 1, 2),
              "SP.16832": (4, 2, 2, 4), "SP.16864": (4, 4, 4, 4)}
NO_DEST = ("CALL", "RET", "BRA", "NOP", "EXIT", "WARPSYNC", "BSYNC", "BSSY")


def registers(text):
    """(opcode, written registers, read registers) of one instruction."""
    body = re.sub(r"^@!?U?P[T0-9]+\s+", "", text)
    op, _, rest = body.partition(" ")
    operands = [o.strip() for o in rest.split(",")] if rest.strip() else []
    regs = []
    for o in operands:
        m = re.search(r"\bR(\d+)\b", o)
        regs.append(int(m.group(1)) if m else None)
    widths = [1] * len(regs)
    base = op.split(".")[0]
    if base in ("IMMA", "HMMA"):
        shape = next((s for s in op.split(".") if s[:1].isdigit()), "")
        key = ("SP." if ".SP." in op else "") + shape
        if key not in MMA_WIDTHS:
            sys.exit(f"extract_lowering: no operand widths for {op}")
        widths = list(MMA_WIDTHS[key]) + [1] * (len(regs) - 4)
    elif ".WIDE" in op or ".64" in op:
        widths = [2] + [1] * (len(regs) - 1)
    expanded = [[r + i for i in range(w)] if r is not None else [] for r, w in zip(regs, widths)]
    if base in NO_DEST or not expanded:
        return op, [], [r for group in expanded for r in group]
    return op, expanded[0], [r for group in expanded[1:] for r in group]


def lowered_body(code):
    """The loop body with its CALL expanded and the loop's own counter, compare and branch dropped."""
    by_address = {a: (t, stall) for a, t, stall in code}
    back = [(a, t) for a, t, _ in code if opcode_of(t) == "BRA" and target(t) < a]
    if len(back) != 1:
        sys.exit("extract_lowering: expected one backward branch (the benchmark loop)")
    branch_at, branch = back[0]
    predicate = re.match(r"@!?(P\d)", branch).group(1)
    body = []
    for a, t, stall in code:
        if not target(branch) <= a < branch_at:
            continue
        op = opcode_of(t)
        if op.startswith("U") or re.match(rf"ISETP\S* {predicate},", re.sub(r"^@\S+\s+", "", t)):
            continue  # the loop counter (uniform datapath) and its compare
        body.append((t, stall))
        if op == "CALL.REL.NOINC":
            callee = target(t)
            for ca, (ct, cstall) in sorted(by_address.items()):
                if ca < callee:
                    continue
                body.append((ct, cstall))
                if opcode_of(ct).startswith("RET"):
                    break
    return body


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nvcc", default=shutil.which("nvcc") or "/usr/local/cuda/bin/nvcc")
    ap.add_argument("--cuobjdump", default=shutil.which("cuobjdump") or "")
    ap.add_argument("--out", default=os.path.join(ROOT, "isa", "lowering_sm_90.inc"))
    args = ap.parse_args()
    if not args.cuobjdump:
        found = [os.path.join(d, "cuobjdump") for d, _, files in os.walk(os.path.join(ROOT, ".venv")) if "cuobjdump" in files]
        if not found:
            sys.exit("extract_lowering: cuobjdump not found (pip install nvidia-cuda-cuobjdump, or --cuobjdump PATH)")
        args.cuobjdump = found[0]
    forms = int4_forms()
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "lowering.cu")
        with open(source, "w") as f:
            f.write("".join(kernel(*form) for form in forms))
        cubin = os.path.join(tmp, "lowering.cubin")
        built = subprocess.run([args.nvcc, f"-arch={ARCH}", "-cubin", "-o", cubin, source], capture_output=True, text=True)
        if built.returncode != 0:
            sys.exit(f"extract_lowering: nvcc failed:\n{built.stderr}")
        sass = subprocess.run([args.cuobjdump, "-sass", cubin], check=True, capture_output=True, text=True).stdout
        version = subprocess.run([args.nvcc, "--version"], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    code = functions(sass)
    out = [f"// Generated by tools/lowering/extract_lowering.py from ptxas -arch={ARCH} ({version}); do not edit.",
           "// Per form: the SASS one warp executes per mma, one instruction per line as",
           "// 'OPCODE written registers < read registers | stall cycles' (register numbers as ptxas",
           "// allocated them; stall cycles from the instruction's control bits).",
           "// clang-format off"]
    for ident, ptx, *_ in forms:
        # The kernel's mangled name, _Z<length><ident>...: matched whole, because one form's id is a
        # prefix of its .satfinite twin's (dense_m8n8k32_s32_s4_s4_s32 / ..._s32_sat).
        name = next(n for n in code if n.startswith(f"_Z{len(ident)}{ident}"))
        lines = []
        for text, stall in lowered_body(code[name]):
            op, written, read = registers(text)
            step = f"{op} {' '.join(map(str, written))} < {' '.join(map(str, read))} | {stall}"
            lines.append(re.sub(" +", " ", step))
        out.append(f'{{"{ptx}", R"({chr(10).join(lines)})"}},')
    out.append("// clang-format on")
    with open(args.out, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"extract_lowering: {len(forms)} forms -> {args.out}")


if __name__ == "__main__":
    main()
