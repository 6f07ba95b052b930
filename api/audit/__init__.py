"""The audit log: entries written with the change or answer they record
(:mod:`~api.audit.log`), and the group commit of the entries of reads
(:mod:`~api.audit.batch`).
"""
