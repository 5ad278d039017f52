"""Convert .docx to PDF with LibreOffice in headless mode (for publishing and archiving).

Each call runs its own ``soffice`` process with a private user profile, so concurrent calls (several
workers, several requests) do not fight over the profile lock. Times New Roman is rarely installed on
Linux servers; fontconfig then substitutes the metric-compatible Liberation Serif (package
fonts-liberation2), which has every Vietnamese letter, so line breaks match Word's.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

DEFAULT_TIMEOUT_S = 120
# Filter options in JSON on the command line need LibreOffice 7.4 or later; "2" selects PDF/A-2b.
_PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


class PdfConversionError(RuntimeError):
    """LibreOffice is missing, failed, or took too long."""


def soffice_path() -> str | None:
    """Path of the LibreOffice binary, or None when it is not installed."""
    override = os.environ.get("THIDUA_SOFFICE")
    if override:
        return shutil.which(override) or (override if Path(override).is_file() else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    """True when LibreOffice can be found, so PDF output can be offered."""
    return soffice_path() is not None


def docx_to_pdf(docx_bytes: bytes, *, timeout: float = DEFAULT_TIMEOUT_S, pdfa: bool = False) -> bytes:
    """Return the PDF rendering of ``docx_bytes``; ``pdfa`` asks for PDF/A-2b, the archival profile.

    Raises :class:`PdfConversionError` (with a Vietnamese message for the user) when LibreOffice is not
    installed, exits with an error, produces nothing, or exceeds ``timeout`` seconds.
    """
    binary = soffice_path()
    if binary is None:
        raise PdfConversionError(
            "Không tìm thấy LibreOffice (soffice) trên máy chủ nên không thể xuất PDF. "
            "Hãy cài LibreOffice hoặc tải bản .docx."
        )
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as tmp:
        work = Path(tmp)
        source = work / "vanban.docx"
        source.write_bytes(docx_bytes)
        outdir = work / "out"
        outdir.mkdir()
        profile = work / "profile"
        cmd = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            _PDFA_FILTER if pdfa else "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            str(source),
        ]
        env = dict(os.environ)
        # LibreOffice writes into $HOME in places even with a private profile; make sure it can.
        if not os.access(env.get("HOME", "/nonexistent"), os.W_OK):
            env["HOME"] = str(work)
        try:
            # A session of its own, so that on timeout the wrapper and soffice.bin are killed together.
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            raise PdfConversionError(f"Không chạy được LibreOffice: {exc}") from exc
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise PdfConversionError(
                f"LibreOffice không chuyển xong văn bản sang PDF trong {timeout:g} giây."
            ) from exc
        target = outdir / "vanban.pdf"
        if proc.returncode != 0 or not target.is_file():
            detail = (stderr or stdout or b"").decode("utf-8", "replace").strip()[-500:]
            raise PdfConversionError(
                f"LibreOffice không chuyển được văn bản sang PDF (mã lỗi {proc.returncode}). {detail}".strip()
            )
        return target.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
