"""Reports: Plotly figures, self-contained HTML pages and output files."""
