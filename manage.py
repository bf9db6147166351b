#!/usr/bin/env python
"""Django's command-line utility for Enlace.

platform/ is a source root, not a package: the standard library owns the module name ``platform``,
so its children (config, accounts, ...) are put on sys.path as top-level packages.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(1, str(ROOT))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
