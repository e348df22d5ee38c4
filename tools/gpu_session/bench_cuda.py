import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import drive  # noqa: F401  (patches the digits loader)

from tools.bench.dcgan import main

main(sys.argv[1:])
