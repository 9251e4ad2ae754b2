"""The language of the content, for every step that reads it.

analysis.py  one analyzer at index and query time: traditional folded to simplified, words, 文号, synonyms
public.py    text the public wrote as plain text to show: markup read as text (<b>急</b> → 急), then redacted
redact.py    personal data of the public (phones, ID and card numbers, e-mail) masked before it is written
"""
