"""Synthetic Last.fm-2k-shaped datasets, N times larger in users, for scale benchmarks.

`shape.fit_shape` measures the real dataset (empirical distributions, Heaps' exponents, the
friendship graph's clustering); `generate.generate` draws a seeded synthetic dataset from that
shape and writes it in the same ``.dat`` formats; `summary.summarise` computes the statistics
both are compared on (tests, ``benchmarks/scale.py``).
"""
