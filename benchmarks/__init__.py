"""Benchmarks (``python -m benchmarks.<name>``) and the synthetic pool generator
(``python -m benchmarks.synthetic``)."""
