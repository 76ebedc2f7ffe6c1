"""A lesson survives the server dying (Chromium): the teacher exports what the class did, and resumes the room.

The server is killed (SIGKILL: no chance to save anything on the way out) and a
new one started on the same journal directory; the teacher's browser finds
its room on ``/class``, and a student's browser gets its seat back by name.
"""

import io
import os
import signal
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT, free_port, wait_for, wait_until_serving

pytestmark = pytest.mark.slow

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WORDS = {"en": {"code": "Room code", "nickname": "Your first name or nickname", "join": "Join",
                "resume": "Resume", "export": "Export (ZIP)", "paused": "Paused"},
         "id": {"code": "Kode ruang", "nickname": "Nama depan atau nama panggilanmu", "join": "Gabung",
                "resume": "Lanjutkan", "export": "Ekspor (ZIP)", "paused": "Dijeda"}}


@contextmanager
def server(journal_dir: Path):
    """``slacktivism app`` journaling into ``journal_dir``; yields (url, process), and kills it if still running."""
    port = free_port()
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "SLACKTIVISM_ROOMS_DIR": str(journal_dir)}
    process = subprocess.Popen([str(Path(sys.executable).parent / "slacktivism"), "app", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_serving(url, process)
        yield url, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def crash(process) -> None:
    """Kill the server and its children at once, as a power cut or a crash would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)




@pytest.mark.parametrize("lang", ["en", "id"])
def test_after_the_server_is_killed_the_teacher_exports_and_resumes_the_room_and_students_rejoin(
        browser, tmp_path, lang):
    w = WORDS[lang]
    teacher = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    phones = [browser.new_context(**PHONE) for _ in range(2)]
    try:
        with server(tmp_path) as (url, process):
            projector = teacher.new_page()
            projector.goto(url + f"class?lang={lang}")
            projector.locator(".class-open").click(timeout=60_000)
            code = projector.locator(".class-code").inner_text(timeout=30_000).strip()
            pages = []
            for ctx, name in zip(phones, ("Ana", "Budi"), strict=True):
                page = ctx.new_page()
                page.goto(url + f"join?code={code}&lang={lang}")
                page.get_by_label(w["nickname"]).fill(name, timeout=60_000)
                page.get_by_role("button", name=w["join"], exact=True).click()
                page.locator(".you-are").wait_for(timeout=30_000)
                pages.append(page)
            projector.locator(".class-start").click()
            pages[0].locator(".choice-like").click(timeout=60_000)
            wait_for(lambda: projector.locator(".class-tally").get_attribute("data-like") == "1",
                      what="the like on the projector")
            crash(process)

        with server(tmp_path) as (url, _):
            projector = teacher.new_page()
            projector.goto(url + f"class?lang={lang}")
            saved = projector.locator(".class-saved-room")
            saved.first.wait_for(timeout=60_000)
            assert saved.count() == 1 and code in saved.inner_text()
            with projector.expect_download() as download:
                projector.get_by_text(w["export"]).click()
            with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as z:
                choices = pd.read_csv(z.open(next(n for n in z.namelist() if n.endswith("choices.csv"))))
                blob = b"".join(z.read(n) for n in z.namelist())
            assert list(choices[["student", "choice", "how"]].itertuples(index=False, name=None)) == \
                [("S01", "like", "card")]
            assert b"Ana" not in blob
            projector.get_by_role("button", name=w["resume"], exact=True).click()
            assert projector.locator(".class-code").inner_text(timeout=60_000).strip() == code
            assert w["paused"] in projector.locator(".class-phase").inner_text()
            page = phones[1].new_page()  # Budi's browser, after the restart: the same name gets the seat back
            page.goto(url + f"join?code={code}&lang={lang}")
            page.get_by_label(w["nickname"]).fill("Budi", timeout=60_000)
            page.get_by_role("button", name=w["join"], exact=True).click()
            page.locator(".you-are").wait_for(timeout=30_000)
            assert "Budi" in page.locator(".you-are").inner_text()
            projector.locator(".class-start").click()  # Resume
            wait_for(lambda: page.locator(".choice-share").count() or page.locator(".card-message").count(),
                      timeout=60, what="Budi's phone back in the running room")
    finally:
        for ctx in (teacher, *phones):
            ctx.close()
