"""Build small content trees on disk for tests, valid unless a test breaks them."""

from __future__ import annotations

from pathlib import Path

MODULE_MD = """---
id: {id}
title: Test module {id}
summary: A small module for tests.
order: {order}
estimated_minutes: 30
audience: [investigators]
key_articles: [24]
objectives:
  - Explain Art. 24.
quiz:
  questions_per_attempt: 3
  pass_mark: 80
---
Overview that cites Art. 24.
"""

LESSON_MD = """---
id: {id}
title: Lesson {id}
---
## First part

Preservation (Art. 25) is not disclosure (Arts. 27 and 28).

## Second part

See [electronic data](glossary:electronic-data).
"""

QUIZ_YAML = """questions:
  - id: q-single
    type: single
    prompt: Which article sets conditions and safeguards?
    options:
      - {id: a, text: "Art. 24", correct: true}
      - {id: b, text: "Art. 16"}
      - {id: c, text: "Art. 41"}
    explanation: Art. 24 binds every procedural power.
    articles: [24]
  - id: q-multiple
    type: multiple
    prompt: Which are procedural powers?
    options:
      - {id: a, text: "Production order", correct: true}
      - {id: b, text: "Search and seizure", correct: true}
      - {id: c, text: "Extradition"}
      - {id: d, text: "Denunciation"}
    explanation: Arts. 27 and 28 are in Chapter IV.
    articles: [27, 28]
  - id: q-tf
    type: true_false
    prompt: Preservation gives investigators the data.
    answer: false
    explanation: Preservation only keeps data safe (Art. 25).
    articles: [25]
"""

CASE_YAML = """id: leaked-logs
title: The logs that might vanish
summary: You keep the evidence of an intrusion before it is lost.
pass_mark: 60
setting: |
  You are the duty investigator. A company's server was broken into (Art. 7).

  The provider keeps the logs for a few days only.
steps:
  - id: first-hours
    situation: |
      The provider will overwrite the logs tonight.
    question: What do you do first?
    articles: [25, 24]
    choices:
      - id: a
        text: Order the provider to preserve the logs
        best: true
        feedback: >
          Right: Art. 25 keeps specified data that is at risk of loss.
      - id: b
        text: Wait for a production order
        feedback: >
          Too late: by then the logs are gone. Preserve first (Art. 25).
      - id: c
        text: Seize the provider's servers
        feedback: >
          Not proportionate (Art. 24) when preservation does the job.
  - id: get-the-data
    situation: |
      The logs are preserved.
    question: How do you obtain them?
    articles: [27]
    choices:
      - id: a
        text: Ask a friend at the provider for a copy
        feedback: >
          Evidence must come through a lawful power such as Art. 27.
      - id: b
        text: A production order for the preserved logs
        best: true
        feedback: >
          Yes: Art. 27 lets you order the provider to hand over the data.
      - id: c
        text: Publish a request on social media
        feedback: >
          No: see Art. 27 for the power to use.
  - id: safeguards
    situation: |
      The suspect's lawyer asks what limits applied.
    question: Which article sets the conditions and safeguards?
    articles: [24]
    choices:
      - id: a
        text: Art. 16
        feedback: >
          Art. 16 is an offence, not a safeguard.
      - id: b
        text: Art. 41
        feedback: >
          Art. 41 is about the 24/7 network.
      - id: c
        text: Art. 24
        best: true
        feedback: >
          Art. 24 binds every procedural power of Chapter IV.
"""

GLOSSARY_YAML = """terms:
  - id: electronic-data
    term: Electronic data
    definition: Data in a form a computer can process (Art. 2).
    articles: [2]
"""

PATHS_YAML = """paths:
  - id: all
    title: Everything
    summary: All modules.
    modules: [{modules}]
"""


def write_tree(root: Path, modules: int = 1, case: bool = True) -> Path:
    """A valid tree of `modules` modules; the first has a case exercise unless `case` is False."""
    ids = [f"mod-{i}" for i in range(1, modules + 1)]
    for order, mid in enumerate(ids, start=1):
        mdir = root / "modules" / f"{order:02d}-{mid}"
        mdir.mkdir(parents=True)
        (mdir / "module.md").write_text(MODULE_MD.format(id=mid, order=order))
        (mdir / "01-first.md").write_text(LESSON_MD.format(id="first"))
        (mdir / "02-second.md").write_text(LESSON_MD.format(id="second"))
        (mdir / "quiz.yaml").write_text(QUIZ_YAML)
        if case and order == 1:
            (mdir / "case.yaml").write_text(CASE_YAML)
    (root / "glossary.yaml").write_text(GLOSSARY_YAML)
    (root / "paths.yaml").write_text(PATHS_YAML.format(modules=", ".join(ids)))
    return root


def module_dir(root: Path, number: int = 1) -> Path:
    return next((root / "modules").glob(f"{number:02d}-*"))
