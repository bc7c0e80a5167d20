"""CardDAV sync: the protocol client, discovery, the three-way merge and the keyring (Qt-free, like io/).

The database side of a sync (what is in step, what changed since) lives in services/sync.py.
"""
