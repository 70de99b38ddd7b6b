"""Report pages work offline and show what they were given."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from revlearn.report.html import Section, render_page
from tests.report.conftest import needs_chromium, render


def test_page_is_self_contained_and_escapes_text():
    fig = go.Figure(go.Bar(x=["a"], y=[1]))
    page = render_page(
        "Title <b>", [Section("Part", ["1 < 2 & more"], [fig], [pd.DataFrame({"x": [1.5]})])]
    )
    assert "<script src=" not in page and "<link" not in page
    assert "Plotly.newPlot" in page
    assert "Title &lt;b&gt;" in page
    assert "1 &lt; 2 &amp; more" in page
    assert "1.500" in page


@needs_chromium
def test_browser_check_catches_a_script_error(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>notDefined();</script></body></html>")
    assert any("notDefined" in e for e in render(page, tmp_path, "--dump-dom").errors)
