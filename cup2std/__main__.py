import sys

from cup2std.cli import main

sys.exit(main())
