"""Atomic output files."""

from __future__ import annotations

import pandas as pd
import pytest

from revlearn.errors import InputError
from revlearn.report import files
from revlearn.report.files import write_csv_atomic, write_text_atomic


def test_csv_written_whole(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "reasons": ["x; y", 'say "hi", bye']})
    target = write_csv_atomic(frame, tmp_path / "out.csv")
    pd.testing.assert_frame_equal(pd.read_csv(target), frame)
    assert list(tmp_path.iterdir()) == [target]


def test_failure_leaves_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("old")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(files.pa_csv, "write_csv", boom)
    with pytest.raises(RuntimeError):
        write_csv_atomic(pd.DataFrame({"a": [1]}), target)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"does not exist.*Create it"):
        write_text_atomic("x", tmp_path / "nope" / "page.html")


def test_files_get_ordinary_permissions(tmp_path):
    target = write_text_atomic("x", tmp_path / "page.html")
    assert target.stat().st_mode & 0o044 == 0o044  # group and others may read, as with open()
