"""``reserves labels``: how every coin label of a claims file resolves.

A new month brings new labels; this lists them all at once (map, catalog,
inferred from the address form, unknown), with rows and amounts, and prints
the label-map lines still to fill in, so one pass fixes a file. The
``--labels`` option and its loader live here too: every command that reads
claims takes it.
"""

from __future__ import annotations

import argparse
import json
import sys

from reserves.errors import UsageError

DESCRIPTION = """\
List every coin label of a published claims file (address rows and totals
lines) and how it resolved:
  map       the label map you gave (--labels FILE) names its chain and asset
  catalog   the catalog reads it (ASSET-NETWORK, NETWORK-ASSET or a bare asset)
  inferred  no chain named, but the addresses' form names the family, so proofs
            are judged; balances cannot be read and are never counted
  unknown   neither: rows are unsupported
with the rows and the claimed amount per label, and the lines to add to a label
map for the ones that name no chain.
"""

EPILOG = """\
label map file (TOML), one entry per label, as this command prints the label:
  "ERC20-USDC" = { chain = "ethereum", asset = "USDC" }
  aETH = { chain = "ethereum", asset = "aETH", decimals = 18 }
  "ETH@STARKNET" = { chain = "starknet", asset = "ETH" }   # files with a network column

exit status: 0 every label names its chain, 1 some do not (inferred or unknown),
2 the file or the map is unusable.

examples:
  reserves labels htx_por_20250601.csv
  reserves labels htx_por_20250601.csv --labels htx-labels.toml --json
"""


def add_labels_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--labels", metavar="MAP.toml",
                   help="a label map: what coin labels the catalog does not know mean "
                        "(see 'reserves labels --help')")


def label_map(args: argparse.Namespace, config_map=None):
    """The label map of ``--labels`` over the config's ``[labels]`` (either may be None)."""
    from reserves.labels import load_label_map

    given = load_label_map(args.labels) if getattr(args, "labels", None) else None
    if config_map is None:
        return given
    return config_map.merged(given)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("labels", help="list how every coin label of a claims file resolves",
                       description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE", help="the published reserves file (CSV)")
    p.add_argument("--format", help="override format detection")
    add_labels_option(p)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from reports import labels as render
    from reserves.importers import FORMATS, load
    from reserves.label_listing import list_labels

    if args.format is not None and args.format not in FORMATS:
        raise UsageError(f"--format {args.format!r}: known formats are {', '.join(FORMATS)}")
    labels = label_map(args)
    listing = list_labels(load(args.file, args.format, labels=labels), labels)
    if args.json:
        sys.stdout.write(json.dumps(render.as_dict(listing), ensure_ascii=False,
                                    sort_keys=True) + "\n")
    else:
        print(render.table(listing))
    return listing.exit_code
