import sys

from .cli import main

if __name__ == "__main__":  # guarded: worker processes (classify -j N) re-import this module
    sys.exit(main())
