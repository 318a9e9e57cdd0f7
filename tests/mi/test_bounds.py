"""Issue 16.3: imports have bounds, checked before a file is read (mi.bounds), and the upload page validates in a
separate process with memory and time limits (mi.worker). Small crafted files: a zip bomb, an xlsx declaring
A1:XFD1048576, a CSV whose header has 100.000 columns, a workbook of too many shared strings."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from mi import bounds, dataset, ingest, ingest_checks, ingest_read, worker
from tests.mi.test_ingest import TABLES, write_folder


def errors(folder: Path) -> list[ingest_checks.Issue]:
    return [i for i in ingest.validate_folder(folder) if i.is_error]


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


# ------------------------------------------------------------------------------------------ CSV


def test_a_csv_header_of_100000_columns_is_refused_once(tmp_path):
    folder = write_folder(tmp_path / "data")
    header = ";".join(f"k{i}" for i in range(100_000))
    (folder / "children.csv").write_text(header + "\n" + ";" * 99_999 + "\n", encoding="utf-8")
    found = [i for i in ingest.validate_folder(folder) if i.file == "children.csv"]
    # one issue (not one warning per unknown column): 100.000 columns against the limit of 200
    assert len(found) == 1 and found[0].is_error
    assert (
        "overskriften har 100.000 kolonner; grænsen er 200 (kan hæves med MI_MAX_COLUMNS)" in found[0].message
    )


def test_a_header_line_without_end_is_refused(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "children.csv").write_bytes(b"child_id" + b";x" * (1 << 20))  # 2 MB and no line break
    (issue,) = [i for i in errors(folder) if i.file == "children.csv"]
    assert "overskriftslinjen er længere end 1,0 MB" in issue.message


def test_lines_are_counted_streaming_against_the_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("MI_MAX_LINES", "3")
    folder = write_folder(tmp_path / "data")
    # a header and 4 rows, each ending in a line break: 5 line breaks, 4 rows > 3
    rows = "\n".join(f"C{i};2012-01-01;M;Nord" for i in range(4))
    (folder / "children.csv").write_text("child_id;birth_date;sex;district\n" + rows + "\n", encoding="utf-8")
    (issue,) = [i for i in errors(folder) if i.file == "children.csv"]
    assert "filen har mindst 4 rækker; grænsen er 3" in issue.message


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("MI_MAX_FILE_BYTES", "100")
    folder = write_folder(tmp_path / "data")
    (folder / "children.csv").write_text("child_id\n" + "B1\n" * 60, encoding="utf-8")  # 9 + 180 bytes
    (issue,) = [i for i in errors(folder) if i.file == "children.csv"]
    assert "filen fylder 189 bytes; grænsen er 100 bytes" in issue.message


# ------------------------------------------------------------------------------------------ Excel


def workbook(rows: list[list], **replace: bytes) -> bytes:
    """A real workbook written by openpyxl, with parts of it replaced (e.g. the sheet or the shared strings)."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info)
            for old, new in replace.items():
                old_b = old.encode()
                if old_b in data:
                    data = data.replace(old_b, new)
            zf.writestr(info.filename, data)
    return out.getvalue()


def test_an_xlsx_declaring_a1_xfd1048576_is_refused_from_its_declaration(tmp_path):
    # 1,7 KB that declared the whole sheet: the reader padded every row to 16.384 columns (6 minutes of CPU)
    data = workbook([["child_id"], ["B1"]], **{'<dimension ref="A1:A2"': b'<dimension ref="A1:XFD1048576"'})
    assert len(data) < 10_000
    folder = write_folder(tmp_path / "data")
    (folder / "children.csv").unlink()
    (folder / "children.xlsx").write_bytes(data)
    (issue,) = [i for i in errors(folder) if i.file == "children.xlsx"]
    assert "arket angiver sit område som A1:XFD1048576, dvs. 16.384 kolonner; grænsen er 200" in issue.message


def test_an_xlsx_declaring_too_many_cells_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("MI_MAX_XLSX_CELLS", "100")
    data = workbook([["child_id"], ["B1"]], **{'<dimension ref="A1:A2"': b'<dimension ref="A1:J11"'})
    path = tmp_path / "children.xlsx"
    path.write_bytes(data)
    with pytest.raises(
        bounds.TooBig, match="arket angiver 110 celler; grænsen er 100"
    ):  # 10 columns × 11 rows
        bounds.check_file(path)


def test_an_xlsx_without_a_dimension_still_reads_only_what_it_holds(tmp_path):
    data = workbook([["child_id", "birth_date"], ["B1", "2012-01-01"]], **{'<dimension ref="A1:B2"/>': b""})
    path = tmp_path / "children.xlsx"
    path.write_bytes(data)
    raw, issues = ingest_read.read_file(path, "children")
    assert issues == [] and raw.frame["child_id"].to_list() == ["B1"]


def shared_strings(n: int, declared: int | None) -> bytes:
    count = f' count="{declared}" uniqueCount="{declared}"' if declared is not None else ""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"{count}>'.encode()
        + b"<si><t>x</t></si>" * n
        + b"</sst>"
    )


def test_shared_strings_beyond_the_limit_are_refused_declared_or_counted(tmp_path, monkeypatch):
    monkeypatch.setenv("MI_MAX_SHARED_STRINGS", "1000")
    base = workbook([["child_id"], ["B1"]])
    src = zipfile.ZipFile(io.BytesIO(base))  # its strings are inline: the shared strings part is added

    def with_strings(xml: bytes) -> Path:
        members = {i.filename: src.read(i) for i in src.infolist()} | {"xl/sharedStrings.xml": xml}
        path = tmp_path / "children.xlsx"
        path.write_bytes(zip_of(members))
        return path

    # declared: refused from the first bytes
    with pytest.raises(bounds.TooBig, match="de delte tekster angiver 5.000.000 tekster; grænsen er 1.000"):
        bounds.check_file(with_strings(shared_strings(10, 5_000_000)))
    # declaring few but holding 1.500: counted while streaming
    with pytest.raises(bounds.TooBig, match=r"de delte tekster har mindst 1.500 tekster"):
        bounds.check_file(with_strings(shared_strings(1_500, 2)))
    # 1.000 is within the limit
    bounds.check_file(with_strings(shared_strings(1_000, None)))


def test_a_shared_strings_bomb_is_refused_by_its_ratio(tmp_path):
    # 40 MB of the same short string compresses to a few hundred KB: the 9,2 GB workbook of the issue, in small
    base = zipfile.ZipFile(io.BytesIO(workbook([["child_id"], ["B1"]])))
    members = {i.filename: base.read(i) for i in base.infolist()}
    members["xl/sharedStrings.xml"] = shared_strings(40 * (1 << 20) // 17, None)
    path = tmp_path / "children.xlsx"
    path.write_bytes(zip_of(members))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(
        bounds.TooBig, match=r"sharedStrings.xml pakkes ud til [\d.]+ gange sin pakkede størrelse"
    ):
        bounds.check_file(path)


# ------------------------------------------------------------------------------------------ Parquet


def test_parquet_rows_and_columns_from_the_metadata(tmp_path, monkeypatch):
    path = tmp_path / "children.parquet"
    pl.DataFrame({f"k{i}": ["x"] * 3 for i in range(201)}).write_parquet(path)
    with pytest.raises(bounds.TooBig, match="filen har 201 kolonner; grænsen er 200"):
        bounds.check_file(path)
    monkeypatch.setenv("MI_MAX_LINES", "2")
    pl.DataFrame({"child_id": ["B1", "B2", "B3"]}).write_parquet(path)
    with pytest.raises(bounds.TooBig, match="filen har 3 rækker; grænsen er 2"):
        bounds.check_file(path)


def test_parquet_that_unpacks_beyond_the_limit_is_refused_from_its_metadata(tmp_path, monkeypatch):
    # three values of 10 MB compress to about 1 KB; the metadata says what the data unpacks to
    monkeypatch.setenv("MI_MAX_PARQUET_BYTES", str(1 << 20))
    path = tmp_path / "children.parquet"
    pl.DataFrame({"child_id": ["x" * 10_000_000] * 3}).write_parquet(path)
    assert path.stat().st_size < 10_000
    with pytest.raises(bounds.TooBig, match=r"filens data fylder 9,5 MB udpakket; grænsen er 1,0 MB"):
        bounds.check_file(path)


# ------------------------------------------------------------------------------------------ zip uploads


def test_a_tiny_zip_bomb_is_refused_before_it_is_unpacked(own_tmp):
    # 300 MB of one byte in a zip of ~300 KB: refused from the zip's directory, nothing written
    bomb = zip_of({"udtraek/payments.csv": b"0" * (300 << 20)})
    assert len(bomb) < 1 << 20
    with pytest.raises(ingest.ImportBlocked) as blocked:
        ingest.stage_upload([("udtraek.zip", bomb)])
    (issue,) = blocked.value.issues
    assert issue.file == "udtraek.zip"
    assert "payments.csv pakkes ud til" in issue.message and "gange sin pakkede størrelse" in issue.message
    assert list(own_tmp.iterdir()) == []  # the failed upload left nothing


@pytest.mark.parametrize(
    ("members", "says"),
    [
        ({f"f{i}.csv": b"x" for i in range(101)}, "zip-filen har 101 filer; grænsen er 100"),
        ({"a/" * 9 + "children.csv": b"x"}, "children.csv ligger 9 mapper nede; grænsen er 8"),
        ({"indre.zip": b"PK"}, "zip-filen indeholder en anden zip-fil (indre.zip)"),
    ],
)
def test_zip_members_nesting_and_zips_in_zips_are_refused(members, says):
    with pytest.raises(ingest.ImportBlocked) as blocked:
        ingest.stage_upload([("udtraek.zip", zip_of(members))])
    assert says in blocked.value.issues[0].message


def test_a_zip_over_its_unpacked_size_limit_is_refused(monkeypatch):
    monkeypatch.setenv("MI_MAX_ZIP_BYTES", "1000")
    with pytest.raises(ingest.ImportBlocked) as blocked:
        ingest.stage_upload([("u.zip", zip_of({"a.csv": b"x" * 600, "b.csv": b"y" * 600}))])
    assert "zip-filen fylder 1.200 bytes udpakket; grænsen er 1.000 bytes" in blocked.value.issues[0].message


def test_two_files_of_the_same_name_are_refused_not_overwritten():
    with pytest.raises(ingest.ImportBlocked) as blocked:
        ingest.stage_upload(
            [("u.zip", zip_of({"a/children.csv": b"child_id\nB1\n", "b/children.csv": b"x"}))]
        )
    assert (
        "to filer hedder children.csv (a/children.csv og b/children.csv)" in blocked.value.issues[0].message
    )


# ------------------------------------------------------------------------------------------ the upload's process


def _hog(n_bytes: int) -> int:
    return len(bytearray(n_bytes))


def test_the_worker_runs_in_another_process():
    assert worker.run(os.getpid) != os.getpid()


def test_a_job_that_takes_too_much_memory_is_stopped_and_the_server_goes_on():
    # the limit is on address space: importing polars and DuckDB alone takes about 1,4 GB of it
    with pytest.raises(worker.WorkerFailed, match="krævede mere end 2,0 GB hukommelse"):
        worker.run(_hog, 3 << 30, memory=2 << 30)  # 3 GB asked, 2 GB allowed
    assert worker.run(_hog, 1 << 20, memory=2 << 30) == 1 << 20  # a small job in the same limit runs


def test_the_upload_page_validates_a_bomb_in_its_worker_and_leaves_nothing(tmp_path, own_tmp):
    folder = write_folder(tmp_path / "data")
    files = folder_files(folder)
    files["payments.csv"] = b"0" * (300 << 20)
    bomb = zip_of({f"udtraek/{n}": d for n, d in files.items()})
    checked = dataset.check([("udtraek.zip", bomb)])
    assert not checked.may_import
    assert [(i.file, i.is_error) for i in checked.issues] == [("udtraek.zip", True)]
    assert "pakkes ud til" in checked.issues[0].message
    assert list(own_tmp.iterdir()) == []


def test_a_valid_upload_is_checked_and_imported_through_the_worker(tmp_path):
    folder = write_folder(tmp_path / "data")
    checked = dataset.check([("udtraek.zip", zip_of({f"x/{n}": d for n, d in folder_files(folder).items()}))])
    assert checked.issues == [] and checked.names == sorted(f"{t}.csv" for t in TABLES)
    path = tmp_path / "mi.duckdb"
    assert dataset.import_checked(checked, path) == 1
    assert path.exists()


def test_readme_documents_every_limit(repo_root):
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    for key, lim in bounds.LIMITS.items():
        default = bounds._size(lim.default) if key.endswith("bytes") else bounds._n(lim.default)
        assert f"| `{lim.env}` | {default} | {lim.what} |" in readme
    assert "MI_WORKER_MEMORY" in readme and "MI_WORKER_SECONDS" in readme


def _environment() -> tuple[int, str | None, int]:
    import polars as pl  # noqa: PLC0415

    return os.nice(0), os.environ.get("MALLOC_ARENA_MAX"), pl.thread_pool_size()


def test_the_worker_leaves_cpu_to_the_server(monkeypatch):
    monkeypatch.delenv("MI_WORKER_THREADS", raising=False)
    niceness, arenas, threads = worker.run(_environment)
    assert niceness == os.nice(0) + 5 and arenas == "2" and threads <= 2
