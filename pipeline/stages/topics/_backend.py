"""BERTopic embedding backend that loads a sentence-transformers model only when used
(imported only when that backend is chosen: it imports BERTopic)."""
from __future__ import annotations

from pipeline.stages.topics._bertopic import import_bertopic

import_bertopic()
from bertopic.backend import BaseEmbedder  # noqa: E402  (after BERTopic is imported without torch)


class LazyBackend(BaseEmbedder):
    """Embeds words or documents for BERTopic with a :class:`SentenceTransformerEmbedder`."""

    def __init__(self, embedder):
        super().__init__()
        self.embedder = embedder

    def embed(self, documents, verbose=False):
        return self.embedder.transform(list(documents), list(documents))
