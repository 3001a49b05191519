"""Golden: how pandas reads a CSV with missing-value markers (R's `NA`, `NaN`, empty fields, Stata's `.`, a `-99`
sentinel), for truelift's `loadFrame(path, { na })` (src/data/load.ts) on both load paths.

Two reads of test/golden/load/na_markers.csv:
  default — pandas' default na_values (which include "", "NA" and "NaN", truelift's DEFAULT_NA; readr's
            documented default is na = c("", "NA") — readr was not available to run here);
  custom  — keep_default_na=False, na_values=["", "NA", "NaN", ".", "-99"]: truelift's { na: ["NA", "NaN", ".", "-99"] }
            (the empty field is always missing in truelift). Unlisted, `NaN` differs: pandas 3 keeps the column
            as text, DuckDB (and so truelift) reads it as the number NaN, i.e. missing.
For each: per column the dtype, the values (null for missing) and the missing count (isna().sum()).

Run from the repository root:  python test/golden/scripts/load_na_pandas.py   (pandas 3.0.6 wrote the JSON)
"""

import json
import math

import pandas as pd

PATH = "test/golden/load/na_markers.csv"


def describe(df: pd.DataFrame) -> dict:
    out = {}
    for name in df.columns:
        col = df[name]
        numeric = pd.api.types.is_numeric_dtype(col)
        values = []
        for v in col.tolist():
            if v is None or (isinstance(v, float) and math.isnan(v)):
                values.append(None)
            else:
                values.append(float(v) if numeric else str(v))
        out[name] = {
            "dtype": str(col.dtype),
            "numeric": bool(numeric),
            "values": values,
            "missing": int(col.isna().sum()),
        }
    return out


default = pd.read_csv(PATH)
custom = pd.read_csv(PATH, keep_default_na=False, na_values=["", "NA", "NaN", ".", "-99"])
with open("test/golden/load/na_markers_pandas.json", "w") as f:
    json.dump(
        {
            "source": "pandas " + pd.__version__ + " read_csv",
            "default": describe(default),
            "custom": {"na": ["NA", "NaN", ".", "-99"], "frame": describe(custom)},
        },
        f,
        indent=1,
    )
    f.write("\n")
