"""Text wrapped by measured width (dashboard.textfit) and exports composed from the page's texts
(charts.compose), on synthetic charts: no mirror, no browser."""

import pandas as pd

from dashboard import charts, textfit

TITLE = "Military expenditure as a share of government spending in twelve countries, 1949-2025"
SOURCE = (
    "Sources: Stockholm International Peace Research Institute (SIPRI) (Military "
    "Expenditure Database 2025) · free for non-commercial use, cite SIPRI; World Bank "
    "(World Development Indicators 2025-07) · CC BY 4.0"
)


def test_lines_fit_the_width_they_are_measured_for():
    for width in (300, 600, 1152):
        lines = textfit.wrap(SOURCE, width, 11)
        assert " ".join(lines) == SOURCE  # every word kept, in order
        assert all(textfit.text_width(line, 11) <= width for line in lines), lines
        # lines are filled: each but the last would overflow with the next word
        for line, nxt in zip(lines, lines[1:], strict=False):
            assert textfit.text_width(f"{line} {nxt.split()[0]}", 11) > width
    assert len(textfit.wrap(TITLE, 300, 20, bold=True)) > len(textfit.wrap(TITLE, 1100, 20))
    assert textfit.text_width("Tula", 20, bold=True) > textfit.text_width("Tula", 20)
    assert textfit.text_width("WWWW", 12) > 2 * textfit.text_width("iiii", 12)  # not a count


def test_an_export_sets_the_pages_texts_into_the_image_at_its_width():
    df = pd.DataFrame(
        {
            "geo": ["A", "A", "B", "B"],
            "year": [2020, 2021] * 2,
            "value": [1.0, 2.0, 3.0, 4.0],
            "flag": None,
        }
    )
    ch = charts.time_series(
        df,
        names={},
        title=TITLE,
        subtitle="% of general government expenditure; 2 countries; 2020-2021",
        source=SOURCE,
        y_title="%",
    )
    fig = ch.figure
    assert fig.layout.title.text is None and not fig.layout.annotations[1:]  # page text only
    out, height = charts.compose(fig, 1200, credit="Made with labordash")
    room = 1200 - charts.PAD_PX - max(fig.layout.margin.l, charts.PAD_PX) - charts.TICK_ROOM_PX
    title = out.layout.title.text.split("<br>")
    assert title == textfit.wrap(TITLE, room, charts.TITLE_PX, bold=True)
    assert all(textfit.text_width(t, charts.TITLE_PX, bold=True) <= room for t in title)
    assert len(title) <= 2  # a 1,200 px image: not ~45 characters a line
    footer = next(a for a in out.layout.annotations if a.name == "footer")
    lines = footer.text.split("<br>")
    assert lines[-1] == "Made with labordash" and " ".join(lines[:-1]) == SOURCE
    # the source line spans the width, not a column a phone would need
    assert max(textfit.text_width(line, charts.SOURCE_PX) for line in lines) > 0.8 * room
    # the plot keeps its size: the image grows by the texts
    m, m0 = out.layout.margin, fig.layout.margin
    assert height - m.t - m.b == fig.layout.height - m0.t - m0.b
    assert m.l >= charts.PAD_PX and m.r >= charts.PAD_PX
    fixed, h = charts.compose(fig, 1200, 800)
    assert h == 800 and fixed.layout.margin.t == m.t
