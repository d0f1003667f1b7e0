"""Reading articles: front matter, manifests, publication dates and bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geo.articles import articles_from_paths, find_article_files

BODY = "Forces shelled the outskirts of the town on Tuesday, residents said.\n"


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def problems_for(batch, name: str) -> list[str]:
    return [str(p) for p in batch.problems if Path(p.file).name == name]


def test_front_matter_gives_metadata(tmp_path):
    write(
        tmp_path / "a.md",
        "---\ntitle: Shelling near the port\npublished: 2020-03-02\n"
        "outlet: Example Wire\nurl: https://example.org/a\n---\n" + BODY,
    )
    [article] = articles_from_paths([tmp_path]).articles
    assert article.title == "Shelling near the port"
    assert article.published == dt.date(2020, 3, 2)
    assert article.published_from == "front matter"
    assert article.outlet == "Example Wire"
    assert article.url == "https://example.org/a"
    assert article.text == BODY
    assert article.file == "a.md"


def test_manifest_fills_plain_files_and_front_matter_wins(tmp_path):
    write(tmp_path / "plain.txt", BODY)
    write(tmp_path / "fm.txt", "---\npublished: 2020-05-05\n---\n" + BODY)
    write(
        tmp_path / "articles.csv",
        "file,published,outlet,url,title\n"
        "plain.txt,2020-01-10,Wire A,https://a.example/1,Plain title\n"
        "fm.txt,2020-01-11,Wire B,,\n",
    )
    batch = articles_from_paths([tmp_path])
    by_file = {a.file: a for a in batch.articles}
    assert by_file["plain.txt"].published == dt.date(2020, 1, 10)
    assert by_file["plain.txt"].published_from == "manifest"
    assert by_file["plain.txt"].title == "Plain title"
    assert by_file["fm.txt"].published == dt.date(2020, 5, 5)
    assert by_file["fm.txt"].outlet == "Wire B"
    assert batch.problems == []


def test_date_from_file_name_then_text(tmp_path):
    write(tmp_path / "report-2020-04-13.txt", BODY)
    write(
        tmp_path / "undated.txt",
        "On 2 March 2020 the talks began. Fighting resumed on 9 April 2020 near the airport.\n",
    )
    by_file = {a.file: a for a in articles_from_paths([tmp_path]).articles}
    assert by_file["report-2020-04-13.txt"].published == dt.date(2020, 4, 13)
    assert by_file["report-2020-04-13.txt"].published_from == "file name"
    assert by_file["undated.txt"].published == dt.date(2020, 4, 9)
    assert by_file["undated.txt"].published_from == "text"


def test_no_date_is_a_warning_naming_the_file(tmp_path):
    write(tmp_path / "nodate.txt", BODY)
    batch = articles_from_paths([tmp_path])
    [article] = batch.articles
    assert article.published is None
    [problem] = batch.problems
    assert problem.severity == "warning"
    assert "nodate.txt" in str(problem) and "no publication date" in str(problem)


def test_folders_are_read_recursively_with_relative_names(tmp_path):
    write(tmp_path / "2020" / "march" / "x-2020-03-01.txt", BODY)
    write(tmp_path / ".hidden" / "y-2020-03-01.txt", BODY)
    write(tmp_path / "notes.pdf", b"%PDF-1.4")
    write(tmp_path / "README.md", "# About this folder\n")
    files = [a.file for a in articles_from_paths([tmp_path]).articles]
    assert files == ["2020/march/x-2020-03-01.txt"]
    assert [a.file for a in articles_from_paths([tmp_path / "README.md"]).articles] == [
        "README.md"
    ]


def test_folder_walk_order_and_skips(tmp_path):
    # the order of sorted(rglob("*")): depth first, names compared as strings at each
    # level (so "a/z.txt" < "a-b/y.md" < "a.txt"); hidden entries, README files, folders
    # named like articles and links to folders are skipped; links to files are followed
    for name in ["a/z.txt", "a/sub/deep.md", "a-b/y.md", "a.txt", "B.TXT", ".hidden/q.txt",
                 ".h.txt", "readme.md", "README.txt", "notes.csv", "real/r.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("text", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "alias.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    found = [p.relative_to(tmp_path).as_posix() for p in find_article_files(tmp_path)]
    assert found == ["B.TXT", "a/sub/deep.md", "a/z.txt", "a-b/y.md", "a.txt", "alias.txt",
                     "real/r.txt"]


def test_same_file_given_twice_is_read_once(tmp_path):
    path = write(tmp_path / "a-2020-01-01.txt", BODY)
    assert len(articles_from_paths([path, tmp_path]).articles) == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t\n", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("open.md", b"---\ntitle: never closed\n" + BODY.encode(), "no closing '---'"),
        ("yaml.md", b"---\ntitle: [unbalanced\n---\n" + BODY.encode(), "malformed front matter"),
        ("list.md", b"---\n- a\n- b\n---\n" + BODY.encode(), "expected 'key: value'"),
        ("baddate.md", b"---\npublished: 2020-13-45\n---\n" + BODY.encode(), "not a valid date"),
        ("wordate.md", b"---\npublished: last week\n---\n" + BODY.encode(), "is not a date"),
        ("onlymeta.md", b"---\ntitle: x\n---\n", "no article text"),
    ],
)
def test_bad_files_are_skipped_with_one_line(tmp_path, name, data, message):
    write(tmp_path / "good-2020-01-01.txt", BODY)
    write(tmp_path / name, data)
    batch = articles_from_paths([tmp_path])
    assert [a.file for a in batch.articles] == ["good-2020-01-01.txt"]
    [problem] = problems_for(batch, name)
    assert message in problem
    assert "\n" not in problem
    assert name in problem


def test_latin1_file_is_read_with_a_warning(tmp_path):
    write(
        tmp_path / "legacy-2020-02-02.txt",
        "Clashes near the caf\xe9 in the old town.\n".encode("cp1252"),
    )
    batch = articles_from_paths([tmp_path])
    [article] = batch.articles
    assert "café" in article.text
    [problem] = batch.problems
    assert problem.severity == "warning" and "not valid UTF-8" in str(problem)


def test_utf16_with_bom_and_crlf(tmp_path):
    write(tmp_path / "u16-2020-02-02.txt", "Line one.\r\nLine two.\r\n".encode("utf-16"))
    [article] = articles_from_paths([tmp_path]).articles
    assert article.text == "Line one.\nLine two.\n"


def test_undecodable_file_is_skipped(tmp_path):
    # 0x81 is undefined in cp1252; the rest is not text in any encoding.
    write(tmp_path / "junk-2020-01-01.txt", b"abc \xc3\x28 \x81\x8d\x8f\x90\x9d")
    write(tmp_path / "noise-2020-01-01.txt", bytes(range(0xA0, 0x100)) * 4)
    batch = articles_from_paths([tmp_path])
    assert batch.articles == []
    for name in ("junk-2020-01-01.txt", "noise-2020-01-01.txt"):
        [problem] = problems_for(batch, name)
        assert "not valid UTF-8" in problem and "nor a known encoding" in problem


def test_malformed_manifest_rows_are_reported_and_skipped(tmp_path):
    write(tmp_path / "a.txt", BODY)
    write(tmp_path / "b.txt", BODY)
    write(
        tmp_path / "articles.csv",
        "file,published,outlet,url,title\n"
        "a.txt,2020-01-10,Wire,,\n"
        "b.txt,not-a-date,Wire,,\n"
        "c.txt,2020-01-12\n",
    )
    batch = articles_from_paths([tmp_path])
    lines = [str(p) for p in batch.problems if p.file.endswith("articles.csv")]
    assert any(":3: published 'not-a-date' is not a date" in line for line in lines)
    assert any(":4: expected 5 fields, found 2" in line for line in lines)
    by_file = {a.file: a for a in batch.articles}
    assert by_file["a.txt"].published == dt.date(2020, 1, 10)
    assert by_file["b.txt"].published is None  # its row was skipped, the article is still read


def test_manifest_without_file_column(tmp_path):
    write(tmp_path / "a-2020-01-01.txt", BODY)
    write(tmp_path / "articles.csv", "name,published\na-2020-01-01.txt,2020-01-10\n")
    batch = articles_from_paths([tmp_path])
    assert any("no 'file' column" in str(p) for p in batch.problems)
    assert batch.articles[0].published == dt.date(2020, 1, 1)


def test_missing_path_and_wrong_suffix(tmp_path):
    docx = write(tmp_path / "x.docx", b"PK\x03\x04")
    batch = articles_from_paths([tmp_path / "nope", docx])
    messages = [str(p) for p in batch.problems]
    assert any("nope: no such file or folder" in m for m in messages)
    assert any("x.docx: not an article" in m for m in messages)


def test_content_hash_changes_with_content(tmp_path):
    path = write(tmp_path / "a-2020-01-01.txt", BODY)
    first = articles_from_paths([path]).articles[0].sha256
    write(path, BODY + "More.\n")
    assert articles_from_paths([path]).articles[0].sha256 != first


def test_seed_manifest_is_read(seeds_dir):
    batch = articles_from_paths([seeds_dir])
    assert len(batch.articles) == 5
    assert all(a.published is not None and a.published_from == "manifest" for a in batch.articles)
    assert [p for p in batch.problems if p.severity == "error"] == []
