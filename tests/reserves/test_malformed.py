"""Unusable files: one line on stderr naming file and line, exit 2, no traceback."""

import subprocess
import sys

import pytest

from reserves.cli import main
from tests.support import EXCHANGES, ROOT, shared

OKX_2022 = "okx_proof-of-reserves_okx_por_example_2022-11-22.csv"
HTX_2023 = "huobiapi_Tool-Node.js-VerifyAddress_huobi_por_20230901.csv"


def _lines(name):
    return shared(f"{EXCHANGES}/{name}").read_text(encoding="utf-8-sig").split("\n")


def _run(capsys, path):
    code = main(["claims", "verify", str(path), "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(err, *needles):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("reserves: error: ")
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], (n, lines[0])


def test_truncated_row(tmp_path, capsys):
    lines = _lines(OKX_2022)
    i = next(i for i, l in enumerate(lines) if l.startswith("ETH,0xe7d5"))
    lines[i] = ",".join(lines[i].split(",")[:3])
    path = tmp_path / "truncated.csv"
    path.write_text("\n".join(lines))
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line_error(err, f"{path}:{i + 1}", "truncated row")


def test_extra_column(tmp_path, capsys):
    lines = _lines(HTX_2023)
    i = next(i for i, l in enumerate(lines) if "1LXzGrDQqKqVBqxfGDUyhC6rTRBN5s8Sbj" in l)
    lines[i] += ",surplus"
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(lines))
    code, _, err = _run(capsys, path)
    assert code == 2
    _one_line_error(err, f"{path}:{i + 1}", "7 columns, the header has 6")


def test_non_numeric_amount(tmp_path, capsys):
    lines = _lines(OKX_2022)
    i = next(i for i, l in enumerate(lines) if l.startswith("ETH,0xe7d5"))
    cells = lines[i].split(",")
    cells[2] = "58.3e15"
    lines[i] = ",".join(cells)
    path = tmp_path / "amount.csv"
    path.write_text("\n".join(lines))
    code, _, err = _run(capsys, path)
    assert code == 2
    _one_line_error(err, f"{path}:{i + 1}", "(amount)", "58.3e15")


def test_too_many_decimals_for_the_asset(tmp_path, capsys):
    lines = _lines(HTX_2023)
    i = next(i for i, l in enumerate(lines) if l.startswith("USDT-SOL,8"))
    cells = lines[i].split(",")
    cells[3] = "3643230.4910001"
    lines[i] = ",".join(cells)
    path = tmp_path / "decimals.csv"
    path.write_text("\n".join(lines))
    code, _, err = _run(capsys, path)
    assert code == 2
    _one_line_error(err, f"{path}:{i + 1}", "more than the asset's 6")


@pytest.mark.parametrize("content,needle", [
    (b"", "empty file"),
    (b"\n\n  \n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
    (bytes(range(128, 256)) * 4, "not UTF-8 text"),
    (b"name,age\nbob,3\n", "unknown file format"),
])
def test_unusable_files(tmp_path, capsys, content, needle):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    _one_line_error(err, str(path), needle)


def test_missing_file(tmp_path, capsys):
    code, _, err = _run(capsys, tmp_path / "nope.csv")
    assert code == 2
    _one_line_error(err, "no such file")


def test_header_only(tmp_path, capsys):
    path = tmp_path / "header.csv"
    path.write_text("coin,address,snapshot height,balance,message,signature\n")
    code, _, err = _run(capsys, path)
    assert code == 2
    _one_line_error(err, "no address rows")


def test_unknown_okx_column(tmp_path, capsys):
    lines = _lines(OKX_2022)
    i = next(i for i, l in enumerate(lines) if l.startswith("coin,address"))
    lines[i] = lines[i].replace("signature2", "signature_two")
    path = tmp_path / "col.csv"
    path.write_text("\n".join(lines))
    code, _, err = _run(capsys, path)
    assert code == 2
    _one_line_error(err, f"{path}:{i + 1}", "unknown column 'signature_two'")


def test_as_a_subprocess_nothing_but_one_line(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\x00\x01\x02garbage")
    proc = subprocess.run([sys.executable, "-m", "reserves", "claims", "verify", str(path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "binary data" in proc.stderr


def test_usage_errors_are_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["claims", "verify"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "required" in err
    code = main(["claims", "verify", str(shared(f"{EXCHANGES}/{OKX_2022}")),
                 "--message", "a", "--message-pattern", "b"])
    assert code == 2
