"""The hand-written JSON lines equal json.dumps of the row objects, on every real file."""

import json

import pytest

from reports import claims as render
from reserves.claims_check import check_claims
from tests.support import EXCHANGES, ROOT, SHARED


@pytest.mark.parametrize("path", sorted(p.name for p in (SHARED / EXCHANGES).glob("*.csv"))
                         + ["demo"])
def test_json_lines_match_the_row_objects(path):
    file = ROOT / "examples/demo/claims.csv" if path == "demo" else SHARED / EXCHANGES / path
    check = check_claims(str(file), jobs=1)
    expected = "".join(json.dumps(o, ensure_ascii=False) + "\n"
                       for o in render.row_objects(check))
    assert render.json_lines(check) == expected
    for line in render.json_lines(check).splitlines():
        json.loads(line)
