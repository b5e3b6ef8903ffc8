"""The report's fixed wording in English: sentences written for speaker turns of interviews, with
the study's words (``{@units}``, ``{@cases}`` ...: :class:`pipeline.stages.report.texts.Texts`)
put in; other materials' sentences are in :mod:`pipeline.stages.report.texts_variants`.
"""
from __future__ import annotations

EN = {
    "key_findings": "Key findings",
    "comparison_picture": "The comparison at a glance",
    "description_picture": "What was said, at a glance",
    "recommendations": "What {@participants} suggest changing",
    "themes": "Findings by theme",
    "details": "Differences in detail",
    "summary_details": "The numbers in detail",
    "topics": "Emergent topics",
    "framework": "Framework matrix",
    "methods": "Methods and limits",
    "provenance": "Appendix: provenance",
    "contents": "Contents",
    "skip": "Skip to the content",
    "lead_compare": "What {n_resp} {@units} in {n_cases} {@cases} said, and whether {versus} differ.",
    "lead_describe": "What {n_resp} {@units} in {n_cases} {@cases} said. This study has one group, so the "
                     "report describes the material and compares no groups.",
    "kf_intro": "Each statement is generated from the coded material by fixed rules; the numbers say how many "
                "{@units} raised it (one {@unit} counts once, however often they spoke of it) and in how "
                "many {@cases}{@case_note}.",
    "case_note": " (interviews, focus groups, or a person's written answers)",
    "case_one": "",
    "case_def": ": an interview or a focus group is one case, and so are each person's written answers in a "
                "table of open answers",
    "strength_all": "all {@units}", "strength_nearly_all": "nearly all {@units}", "strength_most": "most {@units}",
    "strength_many": "many {@units}", "strength_some": "some {@units}", "strength_few": "a few {@units}",
    "theme_statement": "{Strength} spoke of {theme}, chiefly {codes}.",
    "theme_statement_one": "{Strength} spoke of {theme}.",
    "evidence": "Raised by {x} of {n} {@units} ({share}; {ci} interval {low}\u2013{high}) in {d} of {D} {@cases}.",
    "contrary": "But {x} {unit_n} in {d} {case_n} spoke of {label}.",
    "rec_statement": "{x} of {n} {@units} in {d} of {D} {@cases} suggested changes, most often about {topics}.",
    "rec_statement_plain": "{x} of {n} {@units} in {d} of {D} {@cases} suggested changes.",
    "rec_none": "No code is marked as a suggestion or recommendation (report.recommendation_codes in the study "
                "file), so the report has no section on what {@participants} suggest changing.",
    "rec_intro": "Passages coded as a suggestion or recommendation, grouped by what they are about (the codes of "
                 "other themes on the same passage), largest group first; a passage about two things counts in "
                 "both groups.",
    "more": "More: {section}",
    "rec_group": "{label}: {x} {unit_n} in {d} {case_n}",
    "rec_other": "Other suggestions",
    "diff_sig": "{Item} differs between {groups}: {xa} of {na} {@units} in {ga} ({sa}) against {xb} of {nb} in "
                "{gb} ({sb}){extremes}; unlikely to be chance alone (adjusted p {p}), but the sample is small and not "
                "representative.",
    "diff_none": "No clear difference between {groups}: the largest gap, on {item} ({sa} in {ga} against {sb} in "
                 "{gb}{extremes}), could be chance (adjusted p {p}); with {da} and {db} {@cases}, only large "
                 "differences can show.",
    "extremes": ", the highest and the lowest of {n} groups",
    "diff_untested": "No comparison of {groups} has at least {m} {@cases} in every group, so no difference is "
                     "stated.",
    "one_group": "This study has one group of {@units}: the report describes what was said and compares "
                 "no groups.",
    "rare": "Raised by few but present: {items}.",
    "rare_flag": "rare voice: {x} {unit_n}",
    "by_whom_part": "{x} of {n} {count_of}",
    "by_whom": "Who raised it: {parts}.",
    "topics_not_in_codebook": "What the topic model found that the codebook did not: {items}.",
    "picture_alt": "Bar chart of the share of {@units} who mentioned each theme and its most mentioned code",
    "picture_caption": "Themes (bold) and their most mentioned code: share of {@units} who mentioned it, "
                       "with {ci} intervals; n per group in the legend. Bars are hatched per group for print.",
    "x_label": "share of {@units} who mentioned it (lines: {ci} interval)",
    "legend": "{group} (n = {n} {@units}, {d} {@cases})",
    "theme_row": "Theme: {label}",
    "everyone": "All {@units}",
    "in_words": "In their own words",
    "no_quote": "No coded passage on this theme in this group.",
    "methods_plain": [
        "{n_docs} {@documents} ({n_cases} {@cases}) with {n_resp} {@units} were read into tables, one row per speaker "
        "turn; names, e-mail addresses and phone numbers were replaced by pseudonyms first.",
        "Every {@unit} turn was coded against the codebook {codebook} ({n_codes} codes in {n_themes} themes). "
        "{coding}",
        "Shares count {@units}; intervals come from resampling whole {@cases}, so they are wide when {@cases} are "
        "few.",
        "A topic model grouped {@unit} turns by their wording (long ones in parts), without the codebook, to find "
        "what the codebook missed.",
    ],
    "coding_human": "{human} turns were coded by people, {machine} by the machine coder, which learns from the "
                    "human codes; machine codes are suggestions, checked against human codes below.",
    "coding_rule": "Codes were given by the codebook's rules (cue words).",
    "limits": "Limits: what this comparison can and cannot say",
    "prov_intro": "What produced this report: input files with shortened SHA-256 hashes (the full hashes are in "
                  "provenance.json beside this file), codebook, seeds and software versions.",
    "prov_file": "File", "prov_hash": "SHA-256 (short)", "prov_item": "Item", "prov_value": "Value",
    "prov_key": "Key in provenance.json",
    "prov_words": {"content_version": "content version", "stages": "stage"},
    "prov_items": "Date, study, codebook, seeds and software versions ({n})", "prov_files": "Input files",
    "no_provenance": "No provenance record was supplied for this report.",
    "footer": "Made with qualpipe. Quotes are pseudonymised: names, e-mail addresses and phone numbers were "
              "replaced before analysis.",
}

# The summary (:mod:`summary`), theme sections and tables (:mod:`findings`, :mod:`charts`) and the
# template's fixed sentences (``t.html(key, ...)``: HTML as written, fields escaped).
EN |= {
    "the_group": "the {value} group", "people_group": "{@units} in the {value} group",
    "in_group": "in the {value} group", "all_respondents": "all {@units}", "respondents": "{@units}",
    "and": " and ", "anything_on": "anything on \u2018{label}\u2019",
    "ci_part": "; {level} CI {range}", "x_of_n": "{x} of {n}",
    "group_size": " ({n} {@units} in {d} {@cases})", "no_code": "{head}: no code was applied.",
    "all": "all", "most": "most", "followed_by": ", followed by ",
    "most_mentioned": "{head}: {most} ({lead}) mentioned {labels}{rest}.",
    "codes_most": "{head}: the codes mentioned most often were {codes}.",
    "material": "The material: {d} {@documents} with {n} {@units}",
    "themes_most": "Of the {n} themes, those raised most often were {themes}.",
    "largest_group": ", the largest group",
    "material_end": ". Statistics count {@cases}{@case_def}.",
    "diff_counts": "{item}: {xa} of {na} {who} in {ga} ({sa}{cia}) against {xb} of {nb} in {gb} ({sb}{cib}).",
    "highest_lowest": " These are the highest and the lowest of {n} groups.",
    "diff_span": ", {level} CI {low} to {high}", "diff_points": " Difference {d} percentage points{span}.",
    "diff_unlikely": " Unlikely to be chance alone (adjusted p {p}), but the sample is small and not "
                     "representative ({docs}).",
    "diff_chance": " This could be chance (adjusted p {p}; {docs}).",
    "one_case_each": "one {@case} each", "n_cases_ab": "{a} and {b} {@cases}",
    "block_size": "{n} in {group} ({d} {case_n})",
    "differences_none": "Differences between groups", "whole_material": "the whole material",
    "differences_between": "Differences between {groups}", "differences_by": "Differences by {attribute}",
    "no_qualifying": "No comparison of {attribute} groups has at least {m} {@cases} in every group, so the summary "
                     "states no difference; the comparisons that were made are listed below with their caveats.",
    "none_significant": "None of the {n} differences tested is statistically significant after correcting for the "
                        "number of comparisons: each could be chance. ",
    "some_significant": "{k} of the {n} differences tested {verb} statistically significant after correcting for "
                        "the number of comparisons. ", "is": "is", "are": "are",
    "compared_among": "Compared among {where}, where each group has at least {m} {@cases}; the largest "
                      "differences come first, each with the number of {@units}, the shares and their {ci} "
                      "intervals (the range the share could plausibly take given this few {@cases}).",
    "too_few": "Fewer than {m} {@cases} in a group: too few to tell a difference from chance.",
    "smaller_groups": "Comparisons in smaller groups ({n})",
}

EN |= {
    "test_fisher": "Fisher's exact test on {@documents}", "test_permutation": "permutation test of {@documents}",
    "overview": "Over all populations, {n} differences between {attribute} groups were tested ({test}, "
                "Benjamini-Hochberg correction over codes and over themes); {k} {verb} significant at the "
                "adjusted {alpha} level.", "was": "was", "were": "were",
    "any_code_of": "Any code of \u2018{label}\u2019",
    "theme_chart": "{label}: share of {@units} who mentioned each code in {versus}",
    "theme_suffix": " (theme)", "group_count": "{group}: {x} of {n} ({share})",
    "pts": "{d} pts", "pts_span": " ({low} to {high})", "share_cell": "{share} ({n} of {g})",
    "not_compared": "not compared with the codebook",
    "headline": "against human coding, the machine's codes had micro-averaged F1 {f1}, precision {precision} and "
                "recall {recall} (on {n} turns it was not trained on, carrying {support} human codes)",
    "human": "human coders", "not_coded": "not coded", "machine": "machine coder ({name})",
    "caveat_sample": "The material is a small, purposive qualitative sample ({sizes}). Shares describe what these "
                     "people said; they do not estimate how common a view is in a wider population.",
    "caveat_size": "{d} {document_n} with {n} {unit_n} in {group}",
    "caveat_silence": "Not mentioning a topic is not the same as disagreeing with it: interviews followed a guide, "
                      "but not every question was asked of everyone in the same way.",
    "caveat_silence_plain": "Not mentioning a topic is not the same as disagreeing with it.",
    "caveat_focus": "A focus group is one {@document}; each participant counts once as {@a_unit}.",
    "caveat_intervals": "Intervals come from resampling whole {@documents} and are never narrower than a Wilson "
                        "interval that counts {@documents}, so they are wide when there are few {@documents}.",
    "caveat_tests": "Differences are tested on {@documents} ({test}) and corrected for the number of codes "
                    "compared; with this few {@documents} only large differences can be told apart from chance, and a "
                    "difference that is not significant is not evidence that the groups are alike.",
    "caveat_coding": "Coding was machine-assisted: {headline}.",
    "caveat_no_coding": "Coding was machine-assisted; no agreement figures between machine and human coders were "
                        "supplied, so the accuracy of the coding is not shown in this report.",
    "legend_docs": "{group} (n = {n} {@units}, {d} {@cases})",
    "alt_bar": "{group} {share} ({x} of {n}, {ci} CI {range})",
    "alt_gap": " The largest gap between the groups is for {item}: ", "against": " against ",
    "alt": "Bar chart: {title}.{gap} Share of {@units} who mentioned each item: ",
}

# the template's fixed sentences (``t.html``) and table header rows (``t.row``)
EN |= {
    "said_most": "What {@units} said most",
    "other_said_most": "What the other groups said most ({n})",
    "no_test_all": "No difference could be tested here: every {@document}, or none, mentioned each code.",
    "smaller_intro": "These comparisons are not in the summary: {why}. They show what to look at in further "
                     "work, not findings.",
    "fewer_than_above": "they rest on fewer {@cases} per group than those above",
    "few_cases": "they rest on few {@cases} per group",
    "no_test": "No difference could be tested here.",
    "notes_of": "Notes of the comparison: {notes}",
    "themes_intro": "Each chart shows, per theme and code, the share of all {@units} who mentioned it at "
                    "least once, in {versus}.\nThe thin lines show the {ci} interval. Quotes are "
                    "pseudonymised passages that carry a code of the theme\n(an ellipsis marks where a "
                    "longer answer was cut); the reference after each quote ({@document}:turn) identifies the "
                    "passage.",
    "theme_caption": "{label}: share of {@units} who mentioned each code in {versus}, with {ci} intervals.",
    "numbers_behind": "Numbers and tests behind {label}",
    "numbers_caption": "{label}: {@units} who mentioned each code, difference in shares in percentage "
                       "points ({ci} interval) and adjusted p-value, for all {@units} and within each "
                       "group",
    "numbers_head": ["Code", "Among", "First group", "Second group", "Difference (first &minus; second)", "Adjusted p", "Caution"],
    "no_topics": "No topic model was fitted for this report, so there are no candidate new themes.",
    "topics_intro": "A topic model grouped {@unit} turns, as {@pieces}, by similar wording, without the "
                    "codebook. Topics that match no theme\nof the codebook are candidates for new themes; they need a "
                    "researcher's reading before they mean anything.",
    "candidate": "Candidate theme: {label}",
    "topic_words": "{n} {@pieces}. Characteristic words: {words}.",
    "no_emergent": "Every topic the model found matches a theme of the codebook: no candidate new theme.",
    "topics_matching": "Topics that match the codebook ({n})",
    "topics_head": ["Topic", "Label", "{@Pieces}", "Status", "Theme"],
    "shares_caption": "Share of {@pieces} in each topic, {versus} (topic &minus;1: {@pieces} the model left "
                      "unassigned)",
    "framework_intro": "One row per {@document}, one column per theme; each cell holds up to {n} "
                       "passages that carry a code of the theme (human-coded first, then those where the "
                       "theme's words are found, then the highest coding score), from different speakers "
                       "where possible.",
    "framework_show": "Show the framework matrix ({rows} {@documents} &times; {themes} themes)",
    "framework_caption": "Framework matrix: {@documents} by themes, with pseudonymised quotes",
    "case": "{@Document}",
    "material_head": "The material",
    "corpus_caption": "{@Documents}, turns, {@units} and words per group",
    "corpus_head": ["Attribute", "Group", "{@Documents}", "Turns", "{@Unit} turns", "{@Units}", "Words"],
    "codebook_head": "The codebook",
    "codebook_show": "Themes and codes of {name} ({n} entries)",
    "codebook_cols": ["Id", "Label", "Definition"],
    "coding_head": "How the material was coded",
    "coding_intro": "Every {@unit} turn was coded against the codebook; a turn can carry several codes. "
                    "Interviewer turns were not counted.\nWhere people coded {@a_document}, their codes are "
                    "final; elsewhere the machine coder's codes are used.",
    "coded_by": "{kind}: {n} {@unit} turns",
    "agreement_head": "Agreement between coders",
    "agreement_caption": "Agreement between coders (overall and per theme)",
    "agreement_cols": ["Level", "Code", "Coders", "Units (n)", "% agreement", "Cohen&rsquo;s kappa", "Krippendorff&rsquo;s alpha"],
    "no_agreement": "No agreement figures between coders were supplied for this report.",
    "evaluation_head": "Machine coding checked against human coding",
    "evaluation_caption": "Machine coding against human gold codes",
    "evaluation_cols": ["Coder", "Level", "Code", "Units (n)", "Human codes", "Precision", "Recall", "F1", "Kappa"],
    "no_evaluation": "No evaluation of the machine coding against human coding was supplied for this report.",
    "method_head": "How groups were compared",
    "method": "Shares count {@units} (each speaker of {@a_document} once) among {@unit} turns. Each "
              "interval is the wider of two:\nthe percentile interval of a bootstrap that resamples whole "
              "{@documents} within each group, and a Wilson score interval that\ntakes the number of {@documents} "
              "as the sample size. The bootstrap alone collapses to a single value (such as 0&ndash;0%) "
              "when\nevery {@document} of a group agrees, and is too narrow with few {@documents}; the Wilson "
              "interval stays honest there. Intervals of\ndifferences likewise take the wider of the "
              "bootstrap and Newcombe&rsquo;s score interval. The summary states differences only\nwhere "
              "every group has at least {m} {@documents}. Two groups are compared with Fisher&rsquo;s exact "
              "test on {@documents}\nmentioning a code or not (or a permutation test of {@documents}); more groups "
              "with a permutation chi-square test of {@documents}.\np-values are adjusted with the "
              "Benjamini-Hochberg procedure over codes, and separately over themes.",
    "settings_show": "Settings of the comparison",
    "settings_cols": ["Setting", "Value", "Study-file key"],
    "topic_model_head": "Topic model",
    "stability": "Stability: refitting with other seeds gave a mean adjusted Rand index of {ari} (1 = "
                 "identical topics, 0 = chance).",
    "no_stability": "No stability figures were supplied.",
    "refits_caption": "Refits with other seeds",
    "refits_cols": {"seed": "Seed", "n_topics": "Topics", "outlier_share": "Share of {@pieces} in no topic",
                    "ari": "Adjusted Rand index"},
    "yes": "yes", "no": "no", "all_documents": "All {@documents}",
    "topic_info_show": "Topic model settings and counts",
    "topic_info_cols": ["Item", "Value", "Record name"],
    "no_topic_model": "No topic model was fitted for this report.",
}

# the title's tail, the compare stage's cautions, and the settings tables' rows in plain words
EN |= {
    "title_tail": "what {@participants} said",
    "caution_none": "not tested: no {@document} mentions it", "caution_every": "not tested: every {@document} mentions it",
    "caution_docs": "{group}: only {n} {@document}(s)", "caution_resp": "{group}: share rests on {n} {@unit}(s)",
    "setting_words": {
        "by": "Groups compared", "within": "Comparisons repeated within the groups of",
        "reference": "Reference group", "n_boot": "Resamples for the intervals (bootstrap)",
        "n_perm": "Shuffles for permutation tests", "ci": "Confidence level of the intervals",
        "seed": "Starting value of the random draws (seed)",
        "min_group_docs": "Fewest {@cases} per group for a difference in the summary",
        "min_respondents": "Fewest {@units} a share rests on without a caution",
        "alpha": "Significance level, after correcting for many comparisons",
        "quotes_per_cell": "Quotes per cell of the framework matrix", "quote_chars": "Length of a quote (characters)",
        "test": "Test for two groups", "case_attributes": "Attributes shown with each {@document} of the framework matrix",
        "cases": "What the intervals and tests resample",
    },
    "topic_info_words": {
        "n_segments": "{@Turns} in the model", "n_units": "{@Pieces} modelled (long {@turns} cut into parts)",
        "n_fitted": "{@Pieces} the model was fitted on",
        "n_not_fitted": "{@Pieces} with too few content words to model (in no topic)",
        "n_topics": "Topics found", "n_mixed_topics": "Topics that mix languages",
        "embedding": "How {@pieces} were turned into numbers (embedding)", "embedding_setting": "Embedding asked for",
        "embedding_dims": "Numbers per {@piece} (dimensions)", "embedding_from_cache": "Embeddings read from the cache",
        "unit_languages": "{@Pieces} per language", "reduction": "How the dimensions were reduced",
        "representation": "How topic words were chosen", "clustering": "How {@pieces} were grouped (clustering)",
        "min_cluster_size": "Smallest topic ({@pieces})", "min_samples": "Neighbours {@a_piece} needs to join a topic",
        "outlier_share": "Share of {@pieces} in no topic", "outlier_share_raw": "Share in no topic before reassigning",
        "outliers_reassigned": "{@Pieces} moved from no topic into the nearest topic",
        "mostly_outliers": "Most {@pieces} in no topic",
    },
}

# what a stage decided on its own, or why a part is missing (``errors.Note``: ``note_<key>`` with its
# facts, :mod:`pipeline.stages.report.notes`)
EN |= {
    "note_rules_only": "No code had enough human-coded examples to train the machine coder "
                       "(coding.min_positives {min_positives}, coding.min_documents {min_documents}): every "
                       "code was given by the codebook's rules (cue words).",
    "note_no_gold_codings": "The gold coders ({coders}) coded nothing, so the other coders' codes are "
                            "suggestions only.",
    "note_embeddings_auto": "The texts are in several languages ({languages}), so the machine coder also "
                            "compares them by meaning, across languages, with a multilingual sentence encoder "
                            "({encoder}).",
    "note_coder_fallback": "The machine coder \u2018{coder}\u2019 learns from human codes and there are none, "
                           "so the codebook's rules (cue words) gave the codes.",
    "note_one_group_present": "{Stratum} are found only {in_group}, so there is nothing to compare by "
                              "{attribute} among them.",
    "note_no_topics_error": "No topic model: fitting it stopped at {where}: {message}",
    "note_no_agreement_error": "Agreement figures are not available: computing them stopped at {where}: "
                               "{message}",
    "note_no_evaluation_error": "Evaluation figures are not available: computing them stopped at {where}: "
                                "{message}",
    "note_no_agreement_no_human_codings": "Agreement figures are not available: the study names no human "
                                          "codings (human_codings in the study file).",
    "note_no_evaluation_no_human_codings": "The machine coding was not checked against human coding: the study "
                                           "names no human codings (human_codings in the study file).",
    "note_agreement_no_common_document": "Agreement figures are not available: no two coders coded "
                                         "{@a_document} in common (coders: {coders}), so there is no agreement to "
                                         "compute.",
    "nobody": "none",
    "in_phrase": "in {group}",
    "auto": "auto",
}

# what the topic model counts: text pieces (``{@piece}``, ``{@pieces}``), a turn each or a window of a
# long one (:mod:`pipeline.stages.topics.units`); the sizes and shares of topics count them
EN |= {
    "topic_pieces": "{@Turns} of up to {size} are one {@piece} each; longer ones are cut into {@pieces} of whole "
                    "sentences. The {n_turns} {@turns} modelled gave {n_pieces} {@pieces}; the topics' sizes and "
                    "shares count {@pieces}{short}.",
    "topic_pieces_whole": "Each of the {n_turns} {@turns} modelled is one {@piece}; the topics' sizes and shares "
                          "count {@pieces}{short}.",
    "topic_short": ". The {n} text pieces with fewer than {m} content words are in no topic and not in the shares",
    "topic_short_one": ". The one text piece with fewer than {m} content words is in no topic and not in the shares",
    "size_words": "{n} words", "size_sentences": "{n} sentences",
}
