"""Config and override arguments of the Python API, turned into what the binding takes."""

import json
import os
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parents[2]


def resolve_config(config):
    """(text, is_json): a dict becomes JSON text; a bare name such as "a100" names configs/a100.json."""
    if isinstance(config, dict):
        return json.dumps(config), True
    if isinstance(config, os.PathLike):
        config = os.fspath(config)
    if not isinstance(config, str):
        raise TypeError("config must be a file path, a config name or a dict, not {}".format(type(config).__name__))
    if not os.path.exists(config) and os.sep not in config and not config.endswith(".json"):
        named = SOURCE_DIR / "configs" / (config + ".json")
        if named.exists():
            return str(named), False
    return config, False


def override_strings(overrides):
    """-p assignments from a dict {key.path: value} or a list of "key.path=value" strings."""
    if overrides is None:
        return []
    if isinstance(overrides, dict):
        return ["{}={}".format(key, value if isinstance(value, str) else json.dumps(value))
                for key, value in overrides.items()]
    if isinstance(overrides, str):
        return [overrides]
    return [str(item) for item in overrides]
