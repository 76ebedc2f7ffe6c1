import sys

from slacktivism.cli import main

sys.exit(main())
