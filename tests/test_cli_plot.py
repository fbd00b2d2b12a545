"""``kzfigures report --plot``: every series --key selects, small multiples when several, by the suffix."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("matplotlib")

import kzfigures.present.plot
from kzfigures.cli import main
from kzfigures.datasets import kazakhstan_2022

BY = ["metric", "group", "region"]


@pytest.fixture
def drawn(monkeypatch):
    """The figures the command line saves, kept to look at after it ran."""
    figures = []
    save = kzfigures.present.plot.save

    def keep(figure, path, **options):
        figures.append(figure)
        return save(figure, path, **options)

    monkeypatch.setattr(kzfigures.present.plot, "save", keep)
    return figures


def test_without_a_key_the_plot_draws_every_series_as_small_multiples(tmp_path, capsys, drawn):
    out = tmp_path / "all.png"  # was: exit 2, "key None matches 12 series"
    assert main(["report", "--plot", str(out)]) == 0, capsys.readouterr().err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (figure,) = drawn
    assert len(figure.axes) == kazakhstan_2022().groupby(BY).ngroups == 12


def test_a_key_that_selects_two_series_draws_two_panels_as_svg(tmp_path, capsys, drawn):
    out = tmp_path / "detained.svg"
    assert main(["report", "--key", "metric=detained", "--plot", str(out)]) == 0, capsys.readouterr().err
    (figure,) = drawn
    assert [ax.get_title(loc="left") for ax in figure.axes] == ["Detained", "Detained (officials)"]
    texts = {"".join(e.itertext()) for e in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert "Detained (officials)" in texts


def test_one_series_is_one_panel(tmp_path, capsys, drawn):
    out = tmp_path / "killed.png"
    assert main(["report", "--key", "metric=killed,group=all", "--plot", str(out)]) == 0, capsys.readouterr().err
    (figure,) = drawn
    assert len(figure.axes) == 1
    assert [t.get_text() for t in figure.texts if t.get_gid() == "title"] == ["Killed: reported figures"]


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("metric=arrested", "no observation has metric='arrested'"),
        ("detained", "key must be column=value pairs"),
        ("colour=red", "colour"),
    ],
)
def test_a_bad_key_exits_2_with_one_line_and_draws_nothing(tmp_path, capsys, key, says):
    out = tmp_path / "chart.png"
    assert main(["report", "--key", key, "--plot", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert captured.err.startswith("kzfigures: --key: ")
    assert says in captured.err
    assert not out.exists()


def test_same_scale_and_title_reach_the_chart(tmp_path, capsys, drawn):
    out = tmp_path / "detained.png"
    args = ["report", "--key", "metric=detained", "--plot", str(out), "--title", "Detained: two counts"]
    assert main([*args, "--same-scale"]) == 0, capsys.readouterr().err
    assert main(args) == 0, capsys.readouterr().err
    same, free = drawn
    assert [t.get_text() for t in same.texts if t.get_gid() == "title"] == ["Detained: two counts"]
    # On one scale both panels reach the larger series' top; on their own, "several" (at most 9) keeps a small one.
    assert same.axes[0].get_ylim() == same.axes[1].get_ylim()
    assert free.axes[1].get_ylim()[1] < free.axes[0].get_ylim()[1]
