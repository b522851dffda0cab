"""Lossless ingest of the HetRec 2011 Last.fm-2k ``.dat`` files: every row loaded or quarantined."""
