"""Indicator metadata in one declared table (datasets/indicators.toml), read by the measures,
the Home builders and the pull's bounds check."""

import pandas as pd
import pytest

from dashboard import analysis, indicators
from dashboard.builders import guns_vs_butter, home


def test_every_measure_takes_its_unit_from_the_table():
    for key, m in analysis.MEASURES.items():
        meta = indicators.get(m.dataset, m.indicator)
        assert m.unit == meta.unit, key
    # one SIPRI series has one name and one unit on every page (two before)
    usd = analysis.MEASURES["milex_const_usd"]
    assert home.MEASURES["milex_constant_usd"][1] == usd.unit == "US$ m, constant 2024 prices"
    gov = analysis.MEASURES["milex_gov"]
    assert home.MEASURES["milex_gov_share"][1] == gov.unit
    # map breaks are declared once and shared by Home and Guns vs butter
    assert home.MAP_BREAKS["milex_gdp_share"] == guns_vs_butter.MAP_BREAKS["milex_gdp"]
    assert guns_vs_butter.MAP_BREAKS["milex_gov"] == [0, 2.5, 5, 7.5, 10, 15, 20]
    with pytest.raises(KeyError, match="not declared"):
        indicators.get("sipri_milex", "no_such_series")


def _frame(values):
    return pd.DataFrame(
        {
            "dataset": "sipri_milex",
            "indicator": "milex_gdp_share",
            "geo": ["KWT", "RUS", "USA"][: len(values)],
            "year": [1991, 2023, 2024][: len(values)],
            "value": values,
        }
    )


def test_a_value_outside_its_bounds_is_refused_naming_the_cell():
    indicators.check_bounds(_frame([117.35, 5.9]), "sipri_milex")  # Kuwait 1991 is real
    with pytest.raises(indicators.OutOfBounds, match=r"1 value\(s\).*RUS 2023: 590;"):
        indicators.check_bounds(_frame([117.35, 590.0]), "sipri_milex")  # x 100 twice
    with pytest.raises(indicators.OutOfBounds, match="outside its plausible range 0 to 200"):
        indicators.check_bounds(_frame([-3.0]), "sipri_milex")
