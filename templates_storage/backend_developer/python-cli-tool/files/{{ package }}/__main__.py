"""`python -m {{ package }}` runs the command line, as the installed `{{ project_name }}` script does."""

import sys

from {{ package }}.cli import main

sys.exit(main())
