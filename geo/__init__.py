"""frontline: turn news articles about an armed conflict into a dated, geolocated map."""

from ._version import __version__
from .errors import FrontlineError

__all__ = ["__version__", "FrontlineError"]
