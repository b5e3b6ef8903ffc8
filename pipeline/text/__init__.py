"""Language helpers shared by the stages: tokens, lemmas and stop words (:mod:`.nlp`), sentences
and quote windows (:mod:`.quotes`)."""
