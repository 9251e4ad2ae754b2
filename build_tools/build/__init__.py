"""The build's orchestration: the steps in their order, in which process each runs.

pipeline.py  content → load → check → statuses → FAQ → last changes → pages: one `Site`
build.py     `policy build`: the pipeline, then the writers (site, both search indexes), then one swap
preview.py   `policy serve`: the same steps again on each save, re-doing only what the save changed
"""
