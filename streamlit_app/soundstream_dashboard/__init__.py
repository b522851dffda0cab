"""The dashboard's importable half: SDK reads with their cache, and the pure shaping of
answers into figures, cards and graph HTML. The page scripts in ``app_pages/`` only lay it out,
so everything here can be tested without a browser."""
