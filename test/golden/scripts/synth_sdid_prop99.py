"""Golden numbers for synthetic DiD / SC / DiD on California Prop 99 (test/golden/synth/sdid-prop99.json).

The numbers were produced by running R synthdid 0.0.9 on the package's own data (the published reference case in
../shared/references/california_prop99_synthdid.json):

    library(synthdid)
    data("california_prop99")
    setup = panel.matrices(california_prop99)
    tau.sdid = synthdid_estimate(setup$Y, setup$N0, setup$T0)
    tau.sc   = sc_estimate(setup$Y, setup$N0, setup$T0)
    tau.did  = did_estimate(setup$Y, setup$N0, setup$T0)
    set.seed(12345); sqrt(vcov(tau.sdid, method = "placebo"))   # 200 replications
    sqrt(vcov(tau.sdid, method = "jackknife"))                  # NA: one treated unit

R (and synthdid) cannot be installed on this machine, so this script only re-packages the reference file into the
project's golden format (tool, version, call, data, expected); it checks the data file's hash against the copy in
test/fixtures so the golden and the fixture cannot drift apart.
"""
import gzip
import hashlib
import json
import pathlib

root = pathlib.Path(__file__).resolve().parents[3]
ref = json.loads((root.parent / "shared/references/california_prop99_synthdid.json").read_text())
raw = (root.parent / "shared/references/california_prop99.csv").read_bytes()
fixture = root / "test/fixtures/california_prop99.csv.gz"
assert gzip.decompress(fixture.read_bytes()) == raw, "test/fixtures/california_prop99.csv.gz differs from the reference"

golden = {
    "tool": ref["provenance"]["tool"],
    "version": ref["provenance"]["version"],
    "call": (
        "setup = panel.matrices(california_prop99); synthdid_estimate / sc_estimate / did_estimate(setup$Y, "
        "setup$N0, setup$T0); set.seed(12345); sqrt(vcov(tau.sdid, method='placebo')) (200 replications); "
        "sqrt(vcov(tau.sdid, method='jackknife')) = NA"
    ),
    "data": {
        "path": "test/fixtures/california_prop99.csv.gz",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "source": ref["provenance"]["source"],
        "separator": ";",
    },
    "expected": {
        "N0": ref["N0"],
        "T0": ref["T0"],
        "estimates": ref["estimates"],
        "se": {"placebo_seed12345_200reps": ref["se"]["sdid_placebo_seed12345_200reps"], "jackknife": None},
        "sdid_unit_weights": ref["sdid_unit_weights"],
        "sdid_time_weights": ref["sdid_time_weights"],
        "sc_unit_weights": ref["sc_unit_weights"],
    },
}
out = root / "test/golden/synth/sdid-prop99.json"
out.write_text(json.dumps(golden, indent=1) + "\n")
print("wrote", out)
