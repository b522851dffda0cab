"""SoundStream: an open music graph service over the HetRec 2011 Last.fm-2k dataset."""

__version__ = "0.1.0"
