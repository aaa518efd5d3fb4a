"""The known Safe contracts (reserves/data/safe_deployments.toml) are the npm packages'.

The data file is made by scripts/safe_deployments.py from @safe-global/safe-deployments
and the Safe contracts' compiled artifacts; it must be what that script writes today,
and every contract the test kit places on anvil must be recognised by it.
"""

import subprocess
import sys

from chains.evm.safe import known
from chains.hashes import keccak256
from tests.nodes.safe import PARTS, PROXY, artifact, canonical
from tests.support import ROOT, tool


def test_the_data_file_is_what_the_script_writes_from_the_npm_packages():
    tool("@safe-global/safe-deployments/package.json")
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "safe_deployments.py"),
                          "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def _hash(version, path, key="deployedBytecode"):
    return keccak256(bytes.fromhex(artifact(version, path)[key][2:]))


def test_every_version_the_kit_deploys_is_known():
    catalog = known()
    assert {s.version for s in catalog.singletons} == {"1.3.0", "1.4.1"}
    assert {(s.contract, s.version) for s in catalog.singletons} == {
        ("GnosisSafe", "1.3.0"), ("GnosisSafeL2", "1.3.0"), ("Safe", "1.4.1"),
        ("SafeL2", "1.4.1")}
    for version, parts in PARTS.items():
        for role in ("singleton", "singleton_l2"):
            found = catalog.singleton(bytes.fromhex(canonical(version, role)[2:]))
            assert found is not None and found.version == version
            assert found.code_hash == _hash(version, parts[role][1])
        handler = catalog.fallback_handler(bytes.fromhex(canonical(version, "handler")[2:]))
        assert handler is not None and handler.code_hash == _hash(version, parts["handler"][1])
        proxy = catalog.proxy(_hash(version, PROXY[version]))
        assert proxy is not None and proxy.version == version
