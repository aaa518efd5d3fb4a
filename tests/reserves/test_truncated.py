"""A file cut short (a broken download) is unusable input, exit 2, never a finding."""

import pytest

from reserves.cli import main
from reserves.importers import load
from tests.support import EXCHANGES, shared

HTX_2023 = "huobiapi_Tool-Node.js-VerifyAddress_huobi_por_20230901.csv"
OKX_2022 = "okx_proof-of-reserves_okx_por_example_2022-11-22.csv"
OKX_2024 = "okx_proof-of-reserves_okx_por_example.csv"
DELOITTE = "okx_proof-of-reserves_test_deloitte_format.csv"


def _text(name):
    return shared(f"{EXCHANGES}/{name}").read_text(encoding="utf-8-sig")


def _verify(capsys, path):
    code = main(["claims", "verify", str(path), "--quiet"])
    return code, capsys.readouterr()


def _last_line(text):
    return len(text.rstrip("\n").split("\n"))


@pytest.mark.parametrize("keep", [20, 64, 129])
def test_a_file_cut_inside_the_last_signature(tmp_path, capsys, keep):
    """The old reading: a bad signature, exit 1, an error about the exchange."""
    text = _text(HTX_2023).rstrip("\n")
    cut = text[:text.rindex(",") + 1 + keep]  # inside the last row's signature
    assert len(cut) < len(text)
    path = tmp_path / "cut.csv"
    path.write_text(cut, encoding="utf-8")
    code, out = _verify(capsys, path)
    assert code == 2 and out.out == ""
    (line,) = out.err.strip().splitlines()
    assert line.startswith(f"reserves: error: {path}:{_last_line(cut)}: ")
    assert "cut short" in line and "Traceback" not in out.err


def test_a_file_cut_between_cells_of_the_last_row(tmp_path, capsys):
    """Cut after the message cell: five of six cells, which HTX rows may otherwise be."""
    text = _text(HTX_2023).rstrip("\n")
    cut = text[:text.rindex(",")]
    path = tmp_path / "cut.csv"
    path.write_text(cut, encoding="utf-8")
    code, out = _verify(capsys, path)
    assert code == 2
    assert f"{path}:{_last_line(cut)}: truncated file" in out.err
    assert "5 of the header's 6 columns" in out.err


def test_a_short_last_row_with_a_line_end_is_still_truncated(tmp_path, capsys):
    lines = _text(OKX_2022).rstrip("\n").split("\n")
    lines[-1] = ",".join(lines[-1].split(",")[:5])
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = _verify(capsys, path)
    assert code == 2 and f"{path}:{len(lines)}: truncated file" in out.err


def test_short_rows_the_format_writes_are_not_truncation(tmp_path):
    """OKX's 11-column files leave the empty EOA cells off some rows: a last row of that
    width, ending with a line end, is complete."""
    lines = _text(OKX_2024).rstrip("\n").split("\n")
    short = [i for i, line in enumerate(lines) if line.count(",") == 8]
    assert short, "the 2024 example has 9-cell rows"
    lines.append(lines.pop(short[0]))
    path = tmp_path / "okx.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(load(str(path)).claims) == 5


def test_a_complete_file_without_a_final_line_end_reads(tmp_path):
    """The audit-firm file ends without one; its last row is whole and loads."""
    assert not _text(DELOITTE).endswith("\n")
    assert len(load(str(shared(f"{EXCHANGES}/{DELOITTE}"))).claims) == 9
    text = _text(HTX_2023).rstrip("\n")
    path = tmp_path / "no-eol.csv"
    path.write_text(text, encoding="utf-8")
    assert len(load(str(path)).claims) == 74
