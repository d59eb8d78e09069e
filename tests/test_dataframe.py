"""``Result.to_df()``: a DataFrame holding what the table displays, with typed values."""

from __future__ import annotations

import datetime
import re

import kxgraph

TYPED = """SELECT ?org ?n ?share ?year ?day ?open ?name WHERE {
  VALUES (?org ?n ?share ?year ?day ?open ?name) {
    (kxorg:taiyuan-cast 3 0.25 "2023"^^xsd:gYear "2024-05-01"^^xsd:date true "太原"@zh)
    (<https://w3id.org/kxgraph/synthetic/seed-0-scale-1/academician-1> 4 1.5 "2024"^^xsd:gYear
     "2024-06-02"^^xsd:date false "b")
  }
}"""


def test_columns_are_typed():
    df = kxgraph.open(memory=True).query(TYPED).to_df()
    assert list(df["n"]) == [3, 4] and df["n"].dtype == "int64"
    assert list(df["share"]) == [0.25, 1.5] and df["share"].dtype == "float64"
    assert list(df["year"]) == [2023, 2024] and df["year"].dtype == "int64"
    assert list(df["day"]) == [datetime.date(2024, 5, 1), datetime.date(2024, 6, 2)]
    assert list(df["open"]) == [True, False] and df["open"].dtype == bool
    assert list(df["name"]) == ["太原", "b"]


def test_iris_are_the_displayed_curies_unless_asked_for():
    result = kxgraph.open(memory=True).query(TYPED)
    assert list(result.to_df()["org"]) == ["kxorg:taiyuan-cast", "syn-seed-0-scale-1:academician-1"]
    assert result.to_df(iris=True)["org"][0] == "https://w3id.org/kxgraph/id/org/taiyuan-cast"


def test_the_dataframe_equals_the_displayed_table():
    result = kxgraph.open(memory=True).query(TYPED)
    shown = re.findall(r"<td>(.*?)</td>", result._repr_html_())
    cells = [str(v).lower() if isinstance(v, bool) else str(v) for row in result.to_df().itertuples(index=False)
             for v in row]
    assert cells == shown


def test_gaps_keep_integer_columns_integer():
    df = kxgraph.open(memory=True).query(
        "SELECT ?n WHERE { VALUES ?n { 1 UNDEF 3 } }").to_df()
    assert df["n"].dtype == "Int64" and df["n"].isna().tolist() == [False, True, False]


def test_an_integer_past_64_bits_stays_exact():
    df = kxgraph.open(memory=True).query("SELECT ?n WHERE { VALUES ?n { 1 123456789012345678901234567890 } }").to_df()
    assert list(df["n"]) == [1, 123456789012345678901234567890]
