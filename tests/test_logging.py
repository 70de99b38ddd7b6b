"""Log set-up used by the command line."""

from __future__ import annotations

import logging

from revlearn._logging import configure_logging


def test_levels_and_log_file(tmp_path):
    log = tmp_path / "run.log"
    configure_logging(quiet=True, log_file=log)
    logger = logging.getLogger("revlearn.test")
    logger.info("kept in the file only")
    logger.warning("shown everywhere")
    root = logging.getLogger("revlearn")
    stream = next(h for h in root.handlers if not isinstance(h, logging.FileHandler))
    assert stream.level == logging.WARNING
    text = log.read_text()
    assert "kept in the file only" in text and "shown everywhere" in text
    configure_logging(verbose=True)
    assert root.handlers[0].level == logging.DEBUG
    assert len(root.handlers) == 1  # reconfiguring replaces, never stacks, handlers
