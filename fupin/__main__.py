"""The `fupin` console command: Django's manage.py under the project's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as e:
        # A bad setting is the operator's to fix: say which, without a traceback.
        sys.stderr.write(f"fupin: {e}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
