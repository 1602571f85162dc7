"""Workers' voice: anonymous safety complaints with a receipt, two-way messages, triage and a public register.

``rules`` holds the pure rules (receipt codes, factory codes, categories, what the public may read), ``models``
the tables, ``services`` every change (each a verb writing its audit event), ``queries`` the register's figures.
"""
