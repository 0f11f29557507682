"""Participation Hub: the HTTP and GraphQL layers, settings and the command line."""
