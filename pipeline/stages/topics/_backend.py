"""BERTopic embedding backend that loads a sentence-transformers model only when used
(imported only when that backend is chosen: it imports BERTopic)."""
from __future__ import annotations

from bertopic.backend import BaseEmbedder


class LazyBackend(BaseEmbedder):
    """Embeds words or documents for BERTopic with a :class:`SentenceTransformerEmbedder`."""

    def __init__(self, embedder):
        super().__init__()
        self.embedder = embedder

    def embed(self, documents, verbose=False):
        return self.embedder.transform(list(documents), list(documents))
