import os

# Polars allocates through its own jemalloc, which by default keeps freed pages for about ten seconds. An import
# reads a national extract in batches and frees each batch's text right away: returning those pages at once keeps
# the import's peak memory about 400 MB lower at the whole country's scale, at no measurable cost in time
# (bench/README.md). Read when polars is first imported, so it is set before anything else in the package.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
