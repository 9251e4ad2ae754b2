"""How the build uses the machine: the one folder for process and memory tricks.

  background.py  a function run in another process (a fork, or a new interpreter)
  memory.py      the garbage collector paused or told to skip, freed memory given back
  atomic.py      staged folders swapped in at once (several as one unit), files written at once
  lock.py        one build at a time into the same folders (flock)
  interrupts.py  SIGTERM and Ctrl-C unwinding a build; held back while it publishes
  progress.py    step lines with counts and times (plain in CI)
  exit.py        ending the program without freeing its objects one by one

Nothing outside this folder forks, calls `gc`, `ctypes`, `prctl`, `malloc_trim` or `os._exit`,
handles signals or takes file locks.
"""
