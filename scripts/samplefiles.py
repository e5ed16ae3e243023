"""Writing a generated sample file, or checking the one on disk (imported by the generators)."""

import os


def put(path, data, check):
    """Writes `data` to `path` (making its folder), or with `check` compares it with the file
    there. Returns False only when checking and the file is missing or differs."""
    if check:
        try:
            with open(path, "rb") as f:
                return f.read() == data
        except OSError:
            return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return True
