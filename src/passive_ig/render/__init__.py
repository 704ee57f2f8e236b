"""Outputs: the answers rendered for a reader or another program, one module a format.

Renderers are functions of the answers (records, reports, the guide) and never
reach for the catalog, the rules or a default registry: what they need, the
caller passes. A new format is a new module here and touches nothing else.
"""
