"""The named chart and table builders, one module per page; importing registers them all."""

from dashboard.builders import dependence, guns_vs_butter, home, profile, russia  # noqa: F401
