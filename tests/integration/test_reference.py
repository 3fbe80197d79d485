"""Region and industry reference tables built from the store and datasets/."""

from dashboard import reference
from tests.conftest import pick


def test_regions_cover_every_scheme(store_env):
    r = reference.regions()
    assert not r.duplicated(["code", "level"]).any()
    ud = pick(r, code="RU-UD")
    assert ud.name_en == "Udmurt Republic" and ud.name_ru == "Удмуртская Республика"
    assert ud.parent == "RU-VFD" and ud.level == "ru_subject"
    assert pick(r, code="DE11").parent == "DE1" and pick(r, code="DE1").parent == "DE"
    assert pick(r, code="DE").parent == "DEU" and pick(r, code="EL").parent == "GRC"
    hampden = pick(r, code="25013")
    assert hampden.name_en == "Hampden, MA" and hampden.parent == "25000"
    assert pick(r, code="FRA").level == "country"
    # every region code in the regional datasets is in the table
    from dashboard import store

    for ds in ("rosstat_regions", "qcew", "us_state_finances"):
        codes = set(store.read(ds)["geo"])
        assert codes <= set(r["code"]), (ds, sorted(codes - set(r["code"]))[:5])


def test_industries(store_env):
    ind = reference.industries()
    c2 = pick(ind, code="C", classification="OKVED2")
    assert c2.title == "Manufacturing" and c2.title_ru == "Обрабатывающие производства"
    assert pick(ind, code="D", classification="OKVED (2005-2016)").title == "Manufacturing"
    assert pick(ind, code="B-E", classification="NACE Rev.2 (LFS groups)").parent == "TOTAL"
    arms = pick(ind, code="332994", classification="NAICS")
    assert arms.title == "NAICS 332994 Small arms and ordnance manufacturing"
    assert arms.parent == "33299"
    assert len(ind[ind.classification == "OKVED2"]) == 21
