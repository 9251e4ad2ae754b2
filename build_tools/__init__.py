"""The `policy` command's package: check policy explainers (政策解读) and Q&A, build them into a static site, index it for search.

One folder per step of a build, in order: load, check, faq, pages, site, indexes;
build/ runs the steps, search/ answers queries, authoring/ writes content files
for their authors. README.md ("How it works") names every module.
"""
