"""Counts for officers and auditors, never a person's data: the oversight reports
(:mod:`~api.reports.aggregates`) and the policy tables of the stored pool
(:mod:`~api.reports.insights`).
"""
