"""Durable persistence of evaluations behind a small port owned by `flows`.

TinyDB documents never leave this package: `flows` hands pydantic models in and
gets pydantic models back. The guarantees (no acknowledged answer lost, crash
safe writes, one owner process) live here and nowhere else.
"""
