"""The chart and table builders, one module per page (listed in ``registry.BUILDERS``)."""
