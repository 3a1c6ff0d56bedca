"""ONS geography lookups: LSOA (2011 and 2021) to ward, district (LAD), CSP and police force area.

Every police.uk row is placed in the *current* geography: 2021 LSOAs map to 2024
wards and districts directly; 2011 LSOAs go first to their best-fit 2021 LSOA
(the ONS best-fit lookup), then the same way. The ward of the row's own vintage
(2019 wards for 2011 LSOAs) is kept beside it as ``native_ward_code``.

Districts map to Community Safety Partnerships and police force areas through
the Home Office table of recorded crime by CSP for the year ending June 2025
(the newest national LAD-CSP-PFA list), falling back to the ONS December 2019
lookup for district codes that have since been replaced.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from saferplaces.data.bundled_files import bundled, bundled_dir
from saferplaces.data.ons_csp_table import read_c2
from saferplaces.data.table_cache import install_cached

AREA_CODE = re.compile(r"^[EWSN][0-9]{8}$")

LOOKUP_ASSUMPTIONS = (
    "Rows with 2011 LSOA codes are placed in 2024 wards through the ONS best-fit "
    "LSOA 2011 to LSOA 2021 lookup.",
    "Districts are linked to Community Safety Partnerships and police force areas by "
    "the Home Office table of recorded crime by CSP, year ending June 2025.",
)


def _csv(relative: str) -> str:
    path = str(bundled(relative)).replace("'", "''")
    return f"read_csv('{path}', all_varchar=true, header=true)"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _install_c2(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create or replace temp table c2_districts (pfa_code varchar, pfa_name varchar,"
        " csp_code varchar, csp_name varchar, lad_code varchar, lad_name varchar)"
    )
    rows = [
        (r.pfa_code, r.pfa_name, r.csp_code, r.csp_name, r.lad_code, r.lad_name)
        for r in read_c2()
        if AREA_CODE.match(r.lad_code)  # skips "Combined Local Authorities" rows
    ]
    # literal values: DuckDB binds hundreds of parameters slowly
    values = ", ".join("(" + ", ".join(_quote(v) for v in row) + ")" for row in rows)
    con.execute(f"insert into c2_districts values {values}")


#: lsoa_lookup first: a connection that has it has them all
REFERENCE_TABLES = ("lsoa_lookup", "pfa_names", "forces", "c2_districts", "lad_csp_pfa", "ward_names")


def install_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the reference tables in ``con`` (idempotent), from a per-user cache when it is there.

    Tables created
    --------------
    ``forces``        force (police.uk slug), force_name, pfa_code, pfa_name
    ``lad_csp_pfa``   lad_code, lad_name, csp_code, csp_name, pfa_code, pfa_name
    ``lsoa_lookup``   lsoa_code, lsoa_name, vintage, lsoa21_code, ward_code, ward_name,
                      native_ward_code, native_ward_name, lad_code, lad_name, csp_code,
                      csp_name, pfa_code, pfa_name
    """
    inputs = sorted((bundled_dir() / "geography" / "lookups").glob("*.gz")) + [
        bundled("ons_crime_tables/csp_table_C2_ye_june2025.csv.gz"),
        bundled("reference/police_uk_forces.csv"),
    ]
    install_cached(con, "reference", REFERENCE_TABLES, Path(__file__), inputs, _build_reference_tables)


def _build_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    _install_c2(con)
    con.execute(
        f"""
        create or replace temp table pfa_names as
        select PFA19CD as pfa_code, PFA19NM as pfa_name
        from {_csv("geography/lookups/PFA19_names_codes_UK.csv.gz")}
        where PFA19NM is not null;

        create or replace temp table forces as
        select f.force, f.force_name, nullif(f.pfa_code, '') as pfa_code, p.pfa_name
        from read_csv('{str(bundled("reference/police_uk_forces.csv")).replace("'", "''")}',
                      all_varchar=true, header=true) f
        left join pfa_names p on p.pfa_code = f.pfa_code;

        create or replace temp table lad_csp_pfa as
        with c2 as (select * from c2_districts),
        old as (
            select LAD19CD as lad_code, LAD19NM as lad_name, CSP19CD as csp_code,
                   CSP19NM as csp_name, PFA19CD as pfa_code, PFA19NM as pfa_name
            from {_csv("geography/lookups/LAD19_CSP19_PFA19_EW_LU.csv.gz")}
        )
        select lad_code, any_value(lad_name) as lad_name, any_value(csp_code) as csp_code,
               any_value(csp_name) as csp_name, any_value(pfa_code) as pfa_code,
               any_value(pfa_name) as pfa_name
        from (
            select * from c2
            union all by name
            select * from old where lad_code not in (select lad_code from c2)
        ) group by lad_code;

        create or replace temp table lsoa_lookup as
        with l21 as (
            select LSOA21CD as lsoa_code, LSOA21NM as lsoa_name, WD24CD as ward_code,
                   WD24NM as ward_name, LAD24CD as lad_code, LAD24NM as lad_name
            from {_csv("geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz")}
        ),
        l11 as (
            select LSOA11CD as lsoa_code, LSOA11NM as lsoa_name, WD19CD as ward_code,
                   WD19NM as ward_name, LAD19CD as lad_code, LAD19NM as lad_name
            from {_csv("geography/lookups/LSOA11_WD19_LAD19_EW_LU.csv.gz")}
        ),
        bf as (
            select LSOA11CD as lsoa11_code, LSOA21CD as lsoa21_code
            from {_csv("geography/lookups/LSOA11_LSOA21_LAD22_EW_best_fit_v2.csv.gz")}
        ),
        rows as (
            select l21.lsoa_code, l21.lsoa_name, '2021' as vintage, l21.lsoa_code as lsoa21_code,
                   l21.ward_code, l21.ward_name, l21.ward_code as native_ward_code,
                   l21.ward_name as native_ward_name, l21.lad_code, l21.lad_name
            from l21
            union all
            select l11.lsoa_code, l11.lsoa_name, '2011', bf.lsoa21_code,
                   coalesce(n.ward_code, l11.ward_code), coalesce(n.ward_name, l11.ward_name),
                   l11.ward_code, l11.ward_name,
                   coalesce(n.lad_code, l11.lad_code), coalesce(n.lad_name, l11.lad_name)
            from l11
            left join bf on bf.lsoa11_code = l11.lsoa_code
            left join l21 n on n.lsoa_code = bf.lsoa21_code
        ),
        -- a district created after 2019 (e.g. Cumberland) may still hold several CSPs:
        -- those rows take the CSP of their 2019 district instead
        lad19 as (
            select bf.lsoa21_code, any_value(l11.lad_code) as lad19_code
            from bf join l11 on l11.lsoa_code = bf.lsoa11_code group by bf.lsoa21_code
        )
        select rows.*,
               coalesce(g.csp_code, g19.csp_code) as csp_code,
               coalesce(g.csp_name, g19.csp_name) as csp_name,
               coalesce(g.pfa_code, g19.pfa_code) as pfa_code,
               coalesce(g.pfa_name, g19.pfa_name) as pfa_name
        from rows
        left join lad_csp_pfa g on g.lad_code = rows.lad_code
        left join lad19 on lad19.lsoa21_code = rows.lsoa21_code
        left join lad_csp_pfa g19 on g19.lad_code = lad19.lad19_code;

        create or replace temp table ward_names as
        select ward_code, any_value(ward_name) as ward_name from (
            select ward_code, ward_name from lsoa_lookup
            union all select native_ward_code, native_ward_name from lsoa_lookup
        ) group by ward_code;
        """
    )
