"""Read, type, profile, clean and enrich the tables a revenue team has.

Also home of the seeded demo company (:func:`make_company`) and of :func:`read_source`,
which resolves a ``--data`` argument to a file or a workspace table.
"""

from __future__ import annotations

from revlearn.data.activity import ChurnTable, activity_features, churn_table
from revlearn.data.clean import (
    CategoryEncoder,
    CategoryNormalizer,
    DateParts,
    Imputer,
    OutlierClipper,
    RatioFeatures,
)
from revlearn.data.dedupe import drop_duplicate_rows, find_duplicate_contacts
from revlearn.data.features import loyalty_score
from revlearn.data.io import SUPPORTED_EXTENSIONS, as_pandas, csv_relation_sql, read_file, read_sql
from revlearn.data.profile import Finding, Profile, profile
from revlearn.data.rfm import rfm_summary
from revlearn.data.schema import (
    ColumnTyper,
    Role,
    Schema,
    check_columns,
    infer_schema,
    looks_like_id,
)
from revlearn.data.sources import load_file_into, read_source
from revlearn.data.synth import Company, make_company

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "CategoryEncoder",
    "CategoryNormalizer",
    "ChurnTable",
    "ColumnTyper",
    "Company",
    "DateParts",
    "Finding",
    "Imputer",
    "OutlierClipper",
    "Profile",
    "RatioFeatures",
    "Role",
    "Schema",
    "activity_features",
    "as_pandas",
    "check_columns",
    "churn_table",
    "csv_relation_sql",
    "drop_duplicate_rows",
    "find_duplicate_contacts",
    "infer_schema",
    "load_file_into",
    "looks_like_id",
    "loyalty_score",
    "make_company",
    "profile",
    "read_file",
    "read_source",
    "read_sql",
    "rfm_summary",
]
