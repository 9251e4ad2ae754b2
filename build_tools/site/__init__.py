"""The site adapter: the only folder that imports MkDocs and Material.

builder.py    write the generated pages as a static site; serve the preview with live reload
plugin.py     the `policy` MkDocs plugin: hands generated pages, feeds and the sitemap to MkDocs
serving.py    the preview's MkDocs side: changed pages rendered alone, files watched by events
anchors.py    a Markdown extension: section anchors of the heading's own words (#办理流程)
deferhtml.py, navcache.py, rawhtml.py   speed and memory only (the same bytes as MkDocs alone)
"""
