"""Batch allocation of a pool to job orders with slots (issue #5)."""
