"""One warp-level mma / mma.sp on numpy matrices, executed bit-exactly by the C++ ISA model.

The case goes through the same code as `stcsim mma` (one JSON case in, the raw bits of D out), so
the checks and error messages are the command's.
"""

import json
import math

import numpy as np

from ._native import native

# numpy views of D's raw bits, by element type.
_DECODED = {"f32": np.float32, "f16": np.float16, "s32": np.int32}
_RAW = {8: np.uint32, 4: np.uint16, 2: np.uint8, 1: np.uint8}
_FLOAT_BITS = {"f16": (np.float16, np.uint16), "f32": (np.float32, np.uint32), "tf32": (np.float32, np.uint32)}


def mma_form(instr, arch="sm_80"):
    """Shape (m, n, k), element types (a_type, ...), hex digits per element and sparsity of a form."""
    return native.mma_form(instr, arch)


def _raw_element(value, digits):
    return "0x{:0{}x}".format(int(value), digits)


def _encode(matrix, elem_type, digits, raw):
    """Nested lists of JSON elements: exact numbers, or "0x.." raw bits (raw=True; also NaN/Inf)."""
    array = np.asarray(matrix)
    if raw:
        if array.dtype.kind == "f":  # a float array given as raw: its own bits
            array = array.view({2: np.uint16, 4: np.uint32, 8: np.uint64}[array.dtype.itemsize])
        if array.dtype.kind not in "ui" or (array.size and array.min() < 0):
            raise native.UsageError("raw=True takes non-negative integer bit patterns (or a float array's bits)")
        return [[_raw_element(v, digits) for v in row] for row in np.atleast_2d(array).tolist()]
    if array.dtype.kind == "b" or array.dtype.kind not in "uif":
        raise native.UsageError("matrix elements must be numbers (got numpy dtype {})".format(array.dtype))
    rows = []
    for row in np.atleast_2d(array).tolist():
        out = []
        for value in row:
            if isinstance(value, float) and not math.isfinite(value) and elem_type in _FLOAT_BITS:
                float_type, bits_type = _FLOAT_BITS[elem_type]
                out.append(_raw_element(np.array(value, float_type).view(bits_type), digits))
            else:
                out.append(value)
        rows.append(out)
    return rows


def _decode(d_rows, form, raw):
    digits = form["d_hex_digits"]
    bits = np.array([[int(x, 16) for x in row] for row in d_rows], dtype=np.uint64).astype(_RAW[digits])
    return bits if raw else bits.view(_DECODED[form["d_type"]])


def mma(instr, a, b, c, arch="sm_80", selector=0, raw=False, invalid_metadata="reject", sparse_block_products=0):
    """D = A x B + C for one warp-level `instr` (a PTX mma or mma.sp name) on `arch`.

    a: M x K (logical and uncompressed; for mma.sp it must satisfy the sparsity pattern, and is
    compressed with its metadata as the hardware wants), b: K x N, c: M x N, as numpy arrays (or
    nested lists). Decoded values by default: each element must be exactly representable in its
    type. raw=True: the arrays hold raw bit patterns in each element's container (f16/bf16 as
    uint16, tf32/f32 as uint32, ...), and D is returned as raw bits too (uint32 for f32/s32,
    uint16 for f16); otherwise D is float32, float16 or int32. Raises stcsim.Error with the same
    message as `stcsim mma` for bad input.
    """
    form = native.mma_form(instr, arch)
    case = {
        "a": _encode(a, form["a_type"], form["a_hex_digits"], raw),
        "b": _encode(b, form["b_type"], form["b_hex_digits"], raw),
        "c": _encode(c, form["c_type"], form["c_hex_digits"], raw),
    }
    if form["sparse"] or selector != 0:
        case["selector"] = selector
    out = native.mma_case(instr, arch, json.dumps(case), invalid_metadata, sparse_block_products, "mma")
    return _decode(json.loads(out)["d"], form, raw)


def mma_fragments(instr, a, b, c, e=None, arch="sm_80", selector=0, raw=False, invalid_metadata="reject",
                  sparse_block_products=0):
    """Like mma(), from the raw per-lane registers: a, b, c are 32 x regs arrays of uint32 words (A
    compressed for mma.sp), e the 32 metadata words (mma.sp only). Returns D as mma() does."""
    form = native.mma_form(instr, arch)
    fragments = {name: [[int(w) for w in lane] for lane in np.asarray(x, dtype=np.uint64).tolist()]
                 for name, x in (("a", a), ("b", b), ("c", c))}
    if e is not None:
        fragments["e"] = [int(w) for w in np.asarray(e, dtype=np.uint64).tolist()]
    case = {"fragments": fragments}
    if form["sparse"] or selector != 0:
        case["selector"] = selector
    out = native.mma_case(instr, arch, json.dumps(case), invalid_metadata, sparse_block_products, "mma")
    return _decode(json.loads(out)["d"], form, raw)
