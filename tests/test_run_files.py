"""The user table is written a row group at a time and reads back equal to the model's own table."""

import pandas as pd
import pyarrow.parquet as pq

from model import SlacktivismModel, load_scenario
from model.run_files import write_users
from tests.conftest import ROOT


def test_users_parquet_in_row_groups_reads_back_as_the_user_table(tmp_path):
    """3,000 users at 700 a row group make 5 groups (the last of 200); pandas reads back every column with its
    dtype (the channel as a categorical) equal to ``user_table()``, which builds the frame its own way."""
    model = SlacktivismModel(load_scenario(ROOT / "scenarios" / "baseline.yaml", {"network.n_users": 3000}))
    model.run()
    path = tmp_path / "users.parquet"
    write_users(model, path, rows=700)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == 5 and meta.row_group(4).num_rows == 200
    pd.testing.assert_frame_equal(pd.read_parquet(path), model.user_table())
