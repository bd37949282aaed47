"""Benchmarks for gluetui: a loopback fake forge, a PyGithub baseline and the runners that compare them.

Nothing here asserts times; the numbers are printed for people to read (tests/bench only checks
request counts).
"""
