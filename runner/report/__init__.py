"""The pieces of runner/report.py: records.py reads the results, text.py
prints summaries and the matrix, markdown.py and machine.py (results.json,
JUnit XML) write the files, baseline.py compares runs."""
