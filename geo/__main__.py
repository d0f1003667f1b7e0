"""Run frontline as ``python -m geo``."""

from .cli import main

main()
