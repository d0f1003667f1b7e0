"""Run frontline as ``python -m geo``."""

from .cli import main

# worker processes import the main module again (as __mp_main__): only the real run runs
if __name__ == "__main__":
    main()
