"""Sweep specifications: a JSON file naming configs, traces and the -p overrides to vary.

    {
      "configs": ["a100", "../configs/rtx3090.json"],   # names in configs/ or paths
      "traces": ["../traces/samples/stcsim_sparse"],
      "params": {"gpu.sms": [2, 4, 8]},                  # a grid: every combination
      "points": [{"gpu.sms": 2}, {"gpu.sms": 4}],       # or an explicit list instead of params
      "out": "results.sqlite"                             # the result table (optional)
    }

Every point is (config, trace, overrides): configs x traces x (grid or list). Relative paths are
relative to the spec file. A point's key is a hash of its parameters as written, so the same point
gets the same key in every run of the spec (resume, no duplicates).
"""

import hashlib
import itertools
import json
import os

from ._native import Error

KEYS = ("configs", "traces", "params", "points", "out")


class SpecError(Error):
    """A sweep specification that is not valid: the message names the file and the key."""


def point_key(config, trace, params):
    text = json.dumps({"config": config, "trace": trace, "params": params}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _string_list(spec, key, where):
    value = spec.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise SpecError("{}: '{}' must be a non-empty list of strings".format(where, key))
    return value


def _scalar(value):
    return isinstance(value, (str, int, float, bool)) and value is not None


def _grid(params, where):
    if not isinstance(params, dict) or not params:
        raise SpecError("{}: 'params' must be an object of lists, e.g. {{\"gpu.sms\": [2, 4]}}".format(where))
    for name, values in params.items():
        if not isinstance(values, list) or not values or not all(_scalar(v) for v in values):
            raise SpecError("{}: params.{} must be a non-empty list of numbers, strings or booleans".format(where, name))
    names = list(params)
    return [dict(zip(names, combo)) for combo in itertools.product(*(params[n] for n in names))]


def _points(points, where):
    if not isinstance(points, list) or not points:
        raise SpecError("{}: 'points' must be a non-empty list of objects".format(where))
    for i, point in enumerate(points):
        if not isinstance(point, dict) or not all(_scalar(v) for v in point.values()):
            raise SpecError("{}: points[{}] must be an object of key.path: number, string or boolean".format(where, i))
    return [dict(p) for p in points]


def _resolve(path, base):
    """A path relative to the spec file; a bare config name ("a100") is left for resolve_config."""
    if os.path.isabs(path) or (os.sep not in path and not path.endswith(".json") and not os.path.exists(os.path.join(base, path))):
        return path
    return os.path.normpath(os.path.join(base, path))


def expand(spec, where="<spec>", base="."):
    """The points of a spec dict: [{"key", "config", "trace", "params", "config_path", "trace_path"}]."""
    if not isinstance(spec, dict):
        raise SpecError("{}: a sweep spec is a JSON object with configs, traces and params or points".format(where))
    for key in spec:
        if key not in KEYS:
            raise SpecError("{}: unknown key '{}'; expected one of {}".format(where, key, ", ".join(KEYS)))
    configs = _string_list(spec, "configs", where)
    traces = _string_list(spec, "traces", where)
    if ("params" in spec) == ("points" in spec):
        raise SpecError("{}: give either 'params' (a grid) or 'points' (a list)".format(where))
    variants = _grid(spec["params"], where) if "params" in spec else _points(spec["points"], where)
    points, seen = [], set()
    for config, trace, params in itertools.product(configs, traces, variants):
        key = point_key(config, trace, params)
        if key in seen:
            continue
        seen.add(key)
        points.append({"key": key, "config": config, "trace": trace, "params": params,
                       "config_path": _resolve(config, base), "trace_path": _resolve(trace, base)})
    return points


def load(path):
    """(points, out) of a spec file; `out` is resolved relative to the spec, or None."""
    try:
        with open(path) as stream:
            text = stream.read()
    except OSError as error:
        raise SpecError("{}: cannot read the sweep spec: {}".format(path, error.strerror)) from None
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecError("{}:{}: malformed JSON: {}".format(path, error.lineno, error.msg)) from None
    base = os.path.dirname(os.path.abspath(path))
    points = expand(spec, path, base)
    out = spec.get("out")
    if out is not None and (not isinstance(out, str) or not out):
        raise SpecError("{}: 'out' must be a file path".format(path))
    return points, (os.path.join(base, out) if out else None)
