"""The compiled module (_stcsim, built from python/binding/ by CMake) and its exception types."""

try:
    import _stcsim as native
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError(
        "stcsim: the compiled module _stcsim is not importable ({}). Build it with ./scripts/setup.sh "
        "(needs Debian's pybind11-dev and python3-dev), then use the project's .venv/bin/python, or put "
        "python/ and build/release/python/stcsim_native on PYTHONPATH".format(error)) from error

Error = native.Error
UsageError = native.UsageError
InternalError = native.InternalError
