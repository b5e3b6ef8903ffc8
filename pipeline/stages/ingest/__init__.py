"""Ingest: files -> documents and segments (one row per speaker turn), pseudonymised.

- :mod:`.corpus`: ``ingest(study)`` and ``validate(study)``: the manifest, every transcript, the checks;
- :mod:`.formats`: one reader per file format, in a registry keyed by suffix;
- :mod:`.document`: a document's normalised text and the turns' offsets in it;
- :mod:`.pseudonymise`: speakers, known names, e-mails and phone numbers replaced by pseudonyms.
"""
