import sys

from netfinger.cli import main

sys.exit(main())
