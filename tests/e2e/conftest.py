"""Fixtures for browser end-to-end tests (Playwright + Debian's /usr/bin/chromium).

    fake_youtube         session  FakeYouTube, started; registry and settings reset after each test
    test_videos          session  {"main": Clip(30 s), "short": Clip(12 s), "ad": Clip(5 s)}
    playwright_instance  session  a started sync Playwright
    viewer               function factory → BrowserContext (persistent, extension loaded);
                                  every context it made is closed at teardown

Every test under tests/e2e gets the `e2e` marker; all are skipped when /usr/bin/chromium is
missing. The harness package is importable as `harness` (this directory is put on sys.path).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

E2E_DIR = Path(__file__).resolve().parent
if str(E2E_DIR) not in sys.path:
    sys.path.insert(0, str(E2E_DIR))

from harness.browser import CHROMIUM, close_contexts, launch_viewer  # noqa: E402
from harness.fake_youtube import FakeYouTube  # noqa: E402
from harness.videos import Clip, ensure_standard_clips  # noqa: E402

ViewerFactory = Callable[..., Any]


def pytest_configure(config: pytest.Config) -> None:
    if not any(line.startswith("e2e:") for line in config.getini("markers")):
        config.addinivalue_line(
            "markers", "e2e: browser end-to-end test (Chromium, imitation YouTube on loopback)"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    chromium_missing = not Path(CHROMIUM).exists()
    for item in items:
        if E2E_DIR not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if chromium_missing:
            item.add_marker(pytest.mark.skip(
                reason=f"{CHROMIUM} is not installed (the README's test command installs it)"
            ))


@pytest.fixture(scope="session")
def test_videos() -> dict[str, Clip]:
    return ensure_standard_clips()


@pytest.fixture(scope="session")
def fake_youtube(test_videos: dict[str, Clip], tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[FakeYouTube]:
    fake = FakeYouTube(test_videos, work_dir=tmp_path_factory.mktemp("fake-youtube"))
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(autouse=True)
def _reset_fake_youtube(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "fake_youtube" in request.fixturenames:
        request.getfixturevalue("fake_youtube").reset()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    playwright = manager.start()
    yield playwright
    manager.__exit__(None, None, None)


@pytest.fixture
def viewer(playwright_instance: Any, fake_youtube: FakeYouTube,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ViewerFactory]:
    """viewer(extension_dir=None, *, autoplay_policy_free=True, user_data_dir=None,
    extra_args=(), **context_options) -> BrowserContext pointed at `fake_youtube`."""
    contexts: list[Any] = []
    own_profiles: list[Path] = []

    def launch(extension_dir: Path | str | None = None, *, autoplay_policy_free: bool = True,
               user_data_dir: Path | str | None = None, extra_args: tuple[str, ...] = (),
               **context_options: Any) -> Any:
        profile = user_data_dir
        if profile is None:
            profile = tmp_path_factory.mktemp("profile")
            own_profiles.append(profile)
        context = launch_viewer(
            playwright_instance, extension_dir, fake_youtube.port,
            autoplay_policy_free=autoplay_policy_free, user_data_dir=profile,
            extra_args=extra_args, spki_hash=fake_youtube.certificate.spki_sha256_base64,
            **context_options,
        )
        contexts.append(context)
        return context

    yield launch
    close_contexts(contexts)
    for profile in own_profiles:
        shutil.rmtree(profile, ignore_errors=True)
