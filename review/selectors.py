"""Reads that span models."""
