"""Policy tables for planners: aggregates of the engine's results under disclosure control.

``schema`` declares the seven tables once; ``table`` holds counts before (``PolicyTable``)
and after (``ProtectedTable``) suppression; ``suppression`` decides what to withhold;
``lines`` knows which cells a table's line totals pin down.
"""
