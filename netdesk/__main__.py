import sys

from netdesk.app import main

sys.exit(main())
