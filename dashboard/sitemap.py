"""The one list of pages: the app's navigation, and what the tests, the hostile-link tests,
the browser suite and the benchmarks walk through. A new page is one ``Page`` here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str  # the view module in dashboard/views and the registry's page name
    title: str
    icon: str
    url_path: str  # "" for the default page
    probe: tuple[str, str] = ()  # a widget key and another value: what benchmarks change

    @property
    def script(self) -> str:
        """The page's script relative to the app's entry point (st.Page, AppTest)."""
        return f"views/{self.key}.py"


PAGES = {
    p.key: p
    for p in [
        Page("home", "Home", ":material/home:", "", ("home:measure", "milex_gov_share")),
        Page(
            "guns_vs_butter",
            "Guns vs butter",
            ":material/balance:",
            "guns-vs-butter",
            ("gvb:civilian", "education_gdp"),
        ),
        Page(
            "dependence",
            "Industrial dependence",
            ":material/factory:",
            "dependence",
            ("dep:measure", "share"),
        ),
        Page(
            "russia",
            "Russia's regions",
            ":material/public:",
            "russia",
            ("ru:map", "social"),
        ),
        Page(
            "profile",
            "Region profile",
            ":material/location_on:",
            "region",
            ("profile:region", "FR10"),
        ),
        Page("your_data", "Your data", ":material/upload_file:", "your-data"),
        Page("methods", "Methods", ":material/functions:", "methods"),
        Page("data", "Data", ":material/database:", "data"),
    ]
}
DEFAULT = "home"
