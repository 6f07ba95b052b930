"""Interchange with agency systems and job boards: schema.org JobPosting and HR-JSON."""
