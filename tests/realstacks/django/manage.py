#!/usr/bin/env python
"""Django + DRF + simplejwt + django-cors-headers, configured from the environment as a platform
deployment is (CORS_ALLOWED_ORIGINS, DEBUG, ...). Run by tests/realstacks.rs."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
