"""Content files → raw documents: the only reader of `content/`.

tree.py     files → `RawDocument`s with the real line of every key, and the problems of reading them
cache.py    the raw documents of the last run kept on disk: only changed files are parsed again
history.py  when each file last changed: one `git log` for all files, else the file's time
"""
