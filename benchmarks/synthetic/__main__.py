"""``python -m benchmarks.synthetic --out DIR ...``: write a seeded synthetic pool."""

from benchmarks.synthetic.command import main

raise SystemExit(main())
