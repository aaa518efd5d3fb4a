"""Renderers: they read a finished result and write one format. Nothing else."""
