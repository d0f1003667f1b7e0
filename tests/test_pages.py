"""Saved web pages, web archives and PDF reports read as articles."""

from __future__ import annotations

import datetime as dt
import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from pdfmaker import make_pdf

from geo import settings
from geo.articles import articles_from_paths
from geo.pages import PageError, page_from_bytes, page_from_html, page_from_pdf

WEB = Path(__file__).parent / "data" / "web"
EXPECTED = json.loads((WEB / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_text_without_boilerplate(name):
    want = EXPECTED[name]
    page = page_from_bytes((WEB / name).read_bytes(), ".html")
    for sentence in want["main"]:
        assert sentence in page.text
    for phrase in want["boilerplate"]:
        assert phrase not in page.text, f"{phrase!r} leaked into {name}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_metadata(name):
    want = EXPECTED[name]["meta"]
    page = page_from_bytes((WEB / name).read_bytes(), ".html")
    assert page.title == want["title"]
    assert page.published == (dt.date.fromisoformat(want["published"]) if want["published"]
                               else None)
    assert page.outlet == want["outlet"]
    assert page.url == want["url"]
    assert page.author == want["author"]
    assert page.site == want["site"]


def test_url_from_the_fetch_stands_in_when_the_page_names_none():
    html = (WEB / "plain.html").read_bytes()
    assert page_from_html(html, url="http://127.0.0.1/x").url == "http://127.0.0.1/x"
    # the page's own canonical URL wins over where it was fetched from
    meta = (WEB / "meta.html").read_bytes()
    assert page_from_html(meta, url="http://127.0.0.1/x").url.startswith("https://ledger.example/")


def test_html_folder_builds_articles_and_manifest_wins(tmp_path):
    for name in ("meta.html", "jsonld.html", "plain.html"):
        (tmp_path / name).write_bytes((WEB / name).read_bytes())
    (tmp_path / "articles.csv").write_text(
        "file,published,outlet,url,title\n"
        "jsonld.html,2019-06-03,Manifest Outlet,,\n",
        encoding="utf-8",
    )
    batch = articles_from_paths([tmp_path])
    by_file = {a.file: a for a in batch.articles}
    assert sorted(by_file) == ["jsonld.html", "meta.html", "plain.html"]
    meta = by_file["meta.html"]
    assert (meta.title, meta.published, meta.published_from, meta.outlet) == (
        "Shelling near Gharyan as talks stall", dt.date(2019, 5, 14), "page", "Desert Ledger")
    listed = by_file["jsonld.html"]
    assert (listed.published, listed.published_from, listed.outlet) == (
        dt.date(2019, 6, 3), "manifest", "Manifest Outlet")
    assert listed.title == "Drone strike hits Misrata air academy"  # the page fills the gaps
    assert "Advertisement" not in meta.text
    plain = by_file["plain.html"]
    assert plain.published is None
    assert [str(p) for p in batch.problems] == [
        f"{tmp_path / 'plain.html'}: no publication date found; "
        "events it does not date in full are kept undated"
    ]


NAV_ONLY = b"<html><body><nav><a href='/'>Home</a> <a href='/b'>Blog</a></nav></body></html>"


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("empty.html", b"  \n", "empty file"),
        ("binary.htm", b"<html>\x00\x01\x02\x00" * 20, "binary file"),
        ("mojibake.html", b"<html><body><p>\x81\x8d\x8f\x90\x9d</p></body></html>",
         "cannot decode the page"),
        ("nav.html", NAV_ONLY, "no main text found"),
        ("scan.pdf", make_pdf(None), "scanned PDF"),
        ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf\n", "cannot read the PDF"),
        ("fake.pdf", b"<html>not a pdf</html>", "not a PDF file"),
        ("empty.mhtml", b"MIME-Version: 1.0\nContent-Type: text/plain\n\nhello\n",
         "no HTML page inside"),
    ],
)
def test_bad_page_is_one_line_and_the_rest_is_read(tmp_path, name, raw, message):
    (tmp_path / name).write_bytes(raw)
    (tmp_path / "good.html").write_bytes((WEB / "meta.html").read_bytes())
    batch = articles_from_paths([tmp_path])
    assert [a.file for a in batch.articles] == ["good.html"]
    errors = [str(p) for p in batch.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / name}: {message}")


def test_oversized_page_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "page_max_bytes", 1000)
    (tmp_path / "big.html").write_bytes(b"<html><body><p>" + b"word " * 400 + b"</p></body></html>")
    batch = articles_from_paths([tmp_path / "big.html"])
    assert batch.articles == []
    assert [str(p) for p in batch.problems] == [
        f"{tmp_path / 'big.html'}: too large for an article (0.0 MB; the limit is 0.001 MB)"
    ]


def test_declared_charset_is_used():
    text = "<html><head><meta charset='windows-1252'></head><body><article><p>{}</p></article>"
    body = ("Caf\u00e9 owners in Zawiya said shops had reopened after the clashes. " * 8)
    page = page_from_html(text.format(body).encode("cp1252"))
    assert "Caf\u00e9 owners in Zawiya" in page.text


def test_page_text_is_never_run_or_followed():
    html = (
        "<html><head><title>Hostile</title><script>alert('x')</script></head><body><article>"
        "<p>Residents of Sabha reported gunfire near the castle on Friday evening, police said."
        " <img src=x onerror=alert(1)> {{ config }} ${{7*7}}</p>"
        "<p>The council of Sabha asked residents to stay indoors while the patrols continued "
        "through the night across the districts of the southern city, officials added.</p>"
        "</article></body></html>"
    )
    page = page_from_html(html)
    assert "alert" not in page.text and "onerror" not in page.text
    assert "{{ config }}" in page.text  # kept as plain text, never rendered


def test_mhtml_archive(tmp_path):
    archive = EmailMessage()
    archive["Snapshot-Content-Location"] = "https://archive.example/saved"
    archive["Subject"] = "saved page"
    archive.set_content((WEB / "plain.html").read_text(encoding="utf-8"), subtype="html",
                        cte="quoted-printable")
    path = tmp_path / "saved-2019-04-20.mhtml"
    path.write_bytes(archive.as_bytes())
    (article,) = articles_from_paths([path]).articles
    assert article.title == "Clashes reported in southern Tripoli"
    assert article.url == "https://archive.example/saved"
    assert article.published == dt.date(2019, 4, 20)  # from the file name
    assert "Salah al-Din district of southern Tripoli" in article.text
    assert "discount sunglasses" not in article.text


def test_pdf_report(tmp_path):
    lines = [
        "Situation report 12",
        "Airstrikes hit the outskirts of Sirte on Monday, relief workers said.",
        "Families left the eastern districts of Sirte for Misrata.",
    ]
    pdf = make_pdf(lines, title="Sitrep 12: Sirte", author="Relief Desk",
                   created="D:20190601120000Z")
    page = page_from_pdf(pdf)
    assert page.text.splitlines() == lines
    assert (page.title, page.author, page.published) == (
        "Sitrep 12: Sirte", "Relief Desk", dt.date(2019, 6, 1))
    (tmp_path / "report.pdf").write_bytes(pdf)
    (article,) = articles_from_paths([tmp_path]).articles
    assert (article.title, article.published_from) == ("Sitrep 12: Sirte", "page")


def test_scanned_pdf_says_so():
    with pytest.raises(PageError, match=r"^scanned PDF: its 1 page\(s\) have no text layer"):
        page_from_pdf(make_pdf(None))
