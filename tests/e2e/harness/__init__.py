"""Browser-test harness: an imitation YouTube over HTTPS, generated test videos, and a
Chromium launcher that loads an unpacked MV3 extension. See conftest.py for the fixtures."""
