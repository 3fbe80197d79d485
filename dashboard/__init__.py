"""labordash: regional labor economics from official statistics."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("labordash")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+src"
