"""Worklist: what needs an editor's work on a date (`policy report`).

  queue.py     the checked content and its FAQ as of `--today` → a WorkQueue: one list per kind of work,
               each thing with the file and line to open
  formats.py   a WorkQueue → text for a terminal, Markdown for a CI job summary, JSON for tools

The content is loaded, checked, dated and its FAQ assembled by the pipeline's own steps
(build/pipeline.py); nothing here decides a status or a link again.
"""
