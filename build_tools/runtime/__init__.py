"""How the build uses the machine: the one folder for process and memory tricks.

  background.py  a function run in another process (a fork, or a new interpreter)
  memory.py      the garbage collector paused or told to skip, freed memory given back
  atomic.py      staged folders swapped in at once, files written at once
  progress.py    step lines with counts and times (plain in CI)
  exit.py        ending the program without freeing its objects one by one

Nothing outside this folder forks, calls `gc`, `ctypes`, `prctl`, `malloc_trim` or `os._exit`.
"""
