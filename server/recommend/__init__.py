"""Recommendations: a hybrid of collaborative filtering, friends' listening and tag taste.

Kept light on purpose (no numpy at import): `server.cli` imports `server.recommend.cli`.

- `data` — id maps and sparse matrices built from repository rows;
- `features` — ``log1p`` plays, TF-IDF tag vectors (why: see there);
- `models` — most-popular, item-kNN, EASE, ALS (baselines and components);
- `hybrid` — the blend, `tuning` — its weights chosen on a validation split;
- `split`, `metrics`, `evaluation` — the offline protocol behind ``recommend evaluate``;
- `recommender` — serving in Last.fm ids with reasons; `persistence` — model files;
- `lifecycle` — train/save/find/load against a database; `cli` — the commands.
"""
