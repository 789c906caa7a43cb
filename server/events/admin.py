"""(placeholder: the /admin namespace is built by the dashboard work)"""
