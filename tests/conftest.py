import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# bitcoinlib writes a config folder and database on import: keep it in the checkout.
os.environ.setdefault("BCL_DATA_DIR", str(ROOT / ".bitcoinlib"))
