"""Pictures: the word map, the loss curve, the projection and the `w2v plot` command."""

from __future__ import annotations

import os
import struct
import sys
from itertools import combinations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from w2v import KeyedVectors
from w2v import plot as wplot
from w2v.cli import main
from w2v.errors import MissingExtraError, PlotError, W2VError
from w2v.plot import check_output, plot_loss, plot_words, project_2d

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
QUERIES = ["king", "paris", "dog", "red", "run"]
CLUSTERS = {
    "king": ["queen", "prince", "princess", "monarch", "throne", "royal", "duke"],
    "paris": ["london", "berlin", "madrid", "rome", "vienna", "lisbon", "prague"],
    "dog": ["cat", "puppy", "horse", "rabbit", "kitten", "hamster", "pony"],
    "red": ["blue", "green", "yellow", "purple", "orange", "crimson", "violet"],
    "run": ["walk", "jump", "sprint", "jog", "swim", "climb", "hike"],
}


@pytest.fixture(scope="module")
def kv() -> KeyedVectors:
    """Five tight clusters of eight words around random centres, plus scattered fillers."""
    rng = np.random.default_rng(3)
    words, vectors = [], []
    for query, others in CLUSTERS.items():
        centre = rng.normal(size=32)
        for w in [query, *others]:
            words.append(w)
            vectors.append(centre + 0.5 * rng.normal(size=32))
    for i in range(40):
        words.append(f"filler{i}")
        vectors.append(1.2 * rng.normal(size=32))
    return KeyedVectors(words, np.array(vectors, dtype=np.float32))


@pytest.fixture
def captured(monkeypatch):
    """The figures handed to the saver, in order (the files are still written)."""
    figures = []
    original = wplot.save_figure

    def spy(fig, path, fmt):
        figures.append(fig)
        return original(fig, path, fmt)

    monkeypatch.setattr(wplot, "save_figure", spy)
    return figures


def png_size(path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, after checking the signature."""
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, "not a PNG file"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def pairwise(xy: np.ndarray) -> np.ndarray:
    return np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=-1)


# -- project_2d ---------------------------------------------------------------------------
def test_pca_recovers_the_distances_of_points_on_a_plane():
    """Points on a 2-D plane in 10-D keep all pairwise distances, largest spread on PC 1."""
    rng = np.random.default_rng(0)
    plane = np.column_stack([rng.normal(scale=5.0, size=30), rng.normal(scale=1.0, size=30)])
    basis, _ = np.linalg.qr(rng.normal(size=(10, 2)))  # orthonormal columns
    points = plane @ basis.T + rng.normal(size=10)  # rotated into 10-D and shifted
    xy = project_2d(points, "pca")
    assert xy.shape == (30, 2)
    np.testing.assert_allclose(pairwise(xy), pairwise(plane), atol=1e-9)
    np.testing.assert_allclose(xy.mean(axis=0), 0.0, atol=1e-9)
    assert xy[:, 0].var() > 4 * xy[:, 1].var()


def test_pca_equals_an_independent_svd_up_to_sign():
    """The coordinates are the projections on numpy's top two right singular vectors."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(25, 8)) * np.array([6, 3, 1, 1, 1, 1, 1, 1])
    xy = project_2d(x, "pca")
    centred = x - x.mean(axis=0)
    expected = centred @ np.linalg.svd(centred)[2][:2].T
    for j in range(2):
        sign = np.sign(xy[:, j] @ expected[:, j])
        np.testing.assert_allclose(xy[:, j], sign * expected[:, j], atol=1e-10)
        big = np.argmax(np.abs(xy[:, j]))
        assert xy[big, j] > 0, "sign convention: largest-magnitude coordinate is positive"


def test_pca_equals_scikit_learn_up_to_sign():
    """scikit-learn's PCA gives the same coordinates, column by column up to sign."""
    decomposition = pytest.importorskip("sklearn.decomposition")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(40, 12)) * np.linspace(5, 1, 12)
    ours = project_2d(x, "pca")
    theirs = decomposition.PCA(n_components=2, svd_solver="full").fit_transform(x)
    for j in range(2):
        sign = np.sign(ours[:, j] @ theirs[:, j])
        np.testing.assert_allclose(ours[:, j], sign * theirs[:, j], atol=1e-8)


def test_pca_of_degenerate_inputs():
    """One point maps to the origin; two points keep their distance on PC 1 alone."""
    np.testing.assert_array_equal(project_2d(np.ones((1, 4))), np.zeros((1, 2)))
    xy = project_2d(np.array([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]]))
    assert np.linalg.norm(xy[0] - xy[1]) == pytest.approx(5.0)
    np.testing.assert_allclose(xy[:, 1], 0.0, atol=1e-12)


def test_project_2d_rejects_bad_input():
    """An empty array, NaN or an unknown method is a PlotError (a ValueError) naming it."""
    with pytest.raises(PlotError, match="non-empty"):
        project_2d(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="finite"):
        project_2d(np.array([[np.nan, 1.0], [0.0, 1.0]]))
    with pytest.raises(PlotError, match="'umap'"):
        project_2d(np.eye(3), "umap")


def test_tsne_clamps_perplexity_and_separates_clusters():
    """t-SNE runs on 4 points (perplexity < n) and keeps two far clusters apart."""
    pytest.importorskip("sklearn")
    assert project_2d(np.eye(4), "tsne").shape == (4, 2)
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(size=(6, 5)), 20 + rng.normal(size=(6, 5))])
    xy = project_2d(x, "tsne", seed=0)
    np.testing.assert_array_equal(xy, project_2d(x, "tsne", seed=0))
    d = pairwise(xy)
    within = max(d[:6, :6].max(), d[6:, 6:].max())
    assert d[:6, 6:].min() > within


def test_tsne_without_scikit_learn_names_the_install(monkeypatch):
    """Without scikit-learn, t-SNE raises MissingExtraError saying what to install."""
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(MissingExtraError, match="pip install scikit-learn"):
        project_2d(np.eye(4), "tsne")


# -- plot_words ---------------------------------------------------------------------------
def test_word_map_is_a_png_of_the_expected_size(kv, tmp_path):
    """plot_words writes a PNG of about 8x6 inches at 150 dpi and returns its path."""
    out = tmp_path / "map.png"
    assert plot_words(kv, QUERIES, out, neighbours=5) == out
    width, height = png_size(out)
    assert 1000 <= width <= 1400 and 750 <= height <= 1050, (width, height)
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"], "temporary file left behind"


def test_word_map_labels_every_query_and_neighbour(kv, tmp_path, captured):
    """Exactly the query words and their most_similar neighbours are labelled, queries bold."""
    plot_words(kv, QUERIES, tmp_path / "map.png", neighbours=5)
    ax = captured[0].axes[0]
    labels = {t.get_text(): t for t in ax.texts}
    expected_neighbours = {w for q in QUERIES for w, _ in kv.most_similar(q, topn=5)}
    assert set(labels) == set(QUERIES) | expected_neighbours
    assert len(ax.texts) == len(labels), "a word is labelled twice"
    for word, text in labels.items():
        assert (text.get_fontweight() == "bold") == (word in QUERIES), word
    assert ax.get_xlabel() == "PC 1" and ax.get_ylabel() == "PC 2"
    neighbour_dots, query_marks = ax.collections
    assert query_marks.get_sizes().min() > 2 * neighbour_dots.get_sizes().max()
    assert len(np.unique(query_marks.get_facecolors(), axis=0)) == len(QUERIES)


def test_word_map_labels_do_not_overlap_each_other_or_leave_the_axes(kv, tmp_path, captured):
    """On this crowded map no two labels overlap and every label is inside the axes."""
    from matplotlib.text import Text

    plot_words(kv, QUERIES, tmp_path / "map.png", neighbours=5)
    fig = captured[0]
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    # Text's own extent: an Annotation's also covers its leader line.
    boxes = {t.get_text(): Text.get_window_extent(t, renderer) for t in ax.texts}
    for (a, box_a), (b, box_b) in combinations(boxes.items(), 2):
        assert not box_a.overlaps(box_b), f"labels {a!r} and {b!r} overlap"
    for word, box in boxes.items():
        assert frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1), word


def test_word_map_uses_equal_scales_for_pca(kv, tmp_path, captured):
    """A data unit is as long on PC 1 as on PC 2, so distances on the map are honest."""
    plot_words(kv, QUERIES[:2], tmp_path / "map.png", neighbours=3)
    ax = captured[0].axes[0]
    box = ax.get_window_extent()
    x_per_px = np.ptp(ax.get_xlim()) / box.width
    y_per_px = np.ptp(ax.get_ylim()) / box.height
    assert x_per_px == pytest.approx(y_per_px, rel=1e-6)


def test_word_map_with_tsne_labels_its_axes(kv, tmp_path, captured):
    """method="tsne" writes a PNG with t-SNE axis labels."""
    pytest.importorskip("sklearn")
    out = plot_words(kv, QUERIES[:3], tmp_path / "map.png", neighbours=4, method="tsne")
    png_size(out)
    ax = captured[0].axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("t-SNE 1", "t-SNE 2")


def test_word_map_format_follows_the_suffix(kv, tmp_path):
    """A .svg path gets an SVG document, and an unknown suffix is refused before drawing."""
    out = plot_words(kv, ["king"], tmp_path / "map.svg", neighbours=2)
    assert b"<svg" in out.read_bytes()[:1000]
    with pytest.raises(PlotError, match=r"\.png"):
        plot_words(kv, ["king"], tmp_path / "map.xyz")
    with pytest.raises(PlotError, match="does not exist"):
        plot_words(kv, ["king"], tmp_path / "missing" / "map.png")
    assert not (tmp_path / "map.xyz").exists()
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(PlotError, match="is a folder; give a file name"):
        plot_words(kv, ["king"], tmp_path / "dir.png")


def test_unknown_word_raises_keyerror_naming_it(kv, tmp_path):
    """An unknown word raises kv's KeyError, which names the word, and writes nothing."""
    with pytest.raises(KeyError, match="quenn"):
        plot_words(kv, ["king", "quenn"], tmp_path / "map.png")
    assert list(tmp_path.iterdir()) == []


def test_missing_matplotlib_raises_missing_extra_error(kv, tmp_path, monkeypatch):
    """Without matplotlib both plots raise MissingExtraError with the one-line install hint."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    hint = (
        'Plotting needs matplotlib: pip install "w2v[plot]" '
        '(in a clone of w2v: pip install -e ".[plot]")'
    )
    with pytest.raises(MissingExtraError) as info:
        plot_words(kv, ["king"], tmp_path / "map.png")
    assert str(info.value) == hint
    assert isinstance(info.value, W2VError)
    with pytest.raises(MissingExtraError, match="w2v\\[plot\\]"):
        plot_loss([1.0, 0.5], tmp_path / "loss.png")
    assert list(tmp_path.iterdir()) == []


def test_failing_save_leaves_the_previous_file_intact(kv, tmp_path, monkeypatch):
    """If writing the picture fails half-way, the old file is unchanged and no temp is left."""
    from matplotlib.figure import Figure

    out = tmp_path / "map.png"
    out.write_bytes(b"previous picture")

    def broken_savefig(self, fname, **kwargs):
        fname.write(b"\x89PNG half a picture")
        raise OSError("No space left on device")

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    with pytest.raises(OSError, match="No space left"):
        plot_words(kv, ["king"], out)
    with pytest.raises(OSError, match="No space left"):
        plot_loss([1.0], out)
    assert out.read_bytes() == b"previous picture"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_new_picture_gets_the_umask_mode_not_the_private_temp_mode(kv, tmp_path):
    """The written file is readable as the umask allows (not the temporary file's 0600)."""
    out = plot_words(kv, ["king"], tmp_path / "map.png", neighbours=1)
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


# -- plot_loss ----------------------------------------------------------------------------
def test_loss_curve_plots_one_point_per_epoch(tmp_path, captured):
    """The curve has x = 1..N, y = the losses, integer epoch ticks, and is a valid PNG."""
    history = [2.9, 2.4, 2.2, 2.1, 2.05]
    out = plot_loss(history, tmp_path / "loss.png", title="CBOW / HS")
    width, height = png_size(out)
    assert 1000 <= width <= 1400 and 750 <= height <= 1050, (width, height)
    ax = captured[0].axes[0]
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(line.get_ydata(), history)
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    assert ax.get_xlabel() == "epoch" and ax.get_title() == "CBOW / HS"


def test_loss_curve_of_one_epoch_has_one_integer_tick(tmp_path, captured):
    """A single epoch gives the single tick 1, not fractional epochs."""
    plot_loss([2.5], tmp_path / "loss.png")
    ax = captured[0].axes[0]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks == [1]


def test_empty_loss_history_is_a_value_error(tmp_path):
    """An empty history raises ValueError saying it is empty, and writes nothing."""
    with pytest.raises(ValueError, match="empty"):
        plot_loss([], tmp_path / "loss.png")
    assert list(tmp_path.iterdir()) == []


def test_check_output_fails_early_on_a_bad_path(tmp_path):
    """check_output accepts a writable image path and refuses a bad suffix or folder."""
    assert check_output(tmp_path / "loss.pdf") == tmp_path / "loss.pdf"
    with pytest.raises(PlotError, match="loss.jpeg2"):
        check_output(tmp_path / "loss.jpeg2")
    with pytest.raises(PlotError, match="does not exist"):
        check_output(tmp_path / "nope" / "loss.png")
    assert list(tmp_path.iterdir()) == []


# -- w2v plot -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "binary", "flags"),
    [
        ("v.vec", False, []),
        ("v.txt", False, []),
        ("v.bin", True, []),
        ("v.data", False, ["--text"]),
        ("v.txt", True, ["--binary"]),
    ],
)
def test_cmd_plot_end_to_end(kv, tmp_path, capsys, captured, name, binary, flags):
    """`w2v plot VECTORS WORD... -o map.png` reads the file format and prints the path."""
    vectors = tmp_path / name
    kv.save_word2vec_format(vectors, binary=binary)
    out = tmp_path / "map.png"
    assert main(["plot", str(vectors), "king", "dog", "-o", str(out), "-n", "3", *flags]) == 0
    assert capsys.readouterr().out == f"{out}\n"
    png_size(out)
    labels = {t.get_text() for t in captured[0].axes[0].texts}
    assert len(labels) == 2 + 2 * 3 and {"king", "dog"} <= labels


def test_cmd_plot_skips_unknown_words_as_similar_does(kv, tmp_path, capsys):
    """An unknown word is one stderr line naming it (with a suggestion) and the others are
    plotted; when no word is known: an error line, exit status 2, and no picture."""
    vectors = tmp_path / "v.vec"
    kv.save_word2vec_format(vectors, binary=False)
    out = tmp_path / "map.png"
    assert main(["plot", str(vectors), "quenn", "king", "-o", str(out), "-n", "1"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("w2v: skipped: Word 'quenn' is not in the vocabulary")
    assert err.count("\n") == 1 and out.exists()
    out.unlink()
    assert main(["plot", str(vectors), "quenn", "-o", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("w2v: skipped: Word 'quenn'") and err[1].startswith("w2v: error:")
    assert not out.exists()


def test_cmd_plot_arguments_are_validated(tmp_path, capsys):
    """A negative --neighbours or both --binary and --text is an argparse error."""
    with pytest.raises(SystemExit):
        main(["plot", "v.bin", "king", "-o", "m.png", "-n", "-1"])
    assert "must be 0 or more, got -1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["plot", "v.bin", "king", "-o", "m.png", "--binary", "--text"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_cmd_plot_defaults(kv, tmp_path, captured):
    """Without flags: 5 neighbours per word, PCA, the default title, text read by suffix."""
    vectors = tmp_path / "v.vec"
    kv.save_word2vec_format(vectors, binary=False)
    assert main(["plot", str(vectors), "king", "-o", str(tmp_path / "m.png")]) == 0
    ax = captured[0].axes[0]
    assert len(ax.texts) == 1 + 5
    assert ax.get_title() == "1 word and its 5 nearest neighbours (PCA of unit vectors)"
    assert ax.get_xlabel() == "PC 1"


def test_cmd_plot_checks_matplotlib_before_reading_the_vectors(tmp_path, monkeypatch, capsys):
    """Without matplotlib, `w2v plot` fails with the install hint before opening the file."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    argv = ["plot", str(tmp_path / "absent.bin"), "king", "-o", str(tmp_path / "m.png")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "w2v[plot]" in err and "absent.bin" not in err


# -- words in other scripts, many labels ---------------------------------------------------
SCRIPTS = ["king", "𝐀𝐁𝐂", "東京", "한국", "🙂", "שלום", "مرحبا", "queen"]


def _covered(families: list[str], word: str) -> bool:
    """Whether the fonts of these families (as matplotlib resolves the names) have every
    glyph of ``word``: an oracle reading the font files, not the code under test."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    have: set[int] = set()
    for name in families:
        path = font_manager.findfont(font_manager.FontProperties(family=name))
        have |= set(FT2Font(path).get_charmap())
    return all(ord(c) in have for c in word if c.strip())


def test_a_family_counts_only_the_glyphs_of_the_face_it_draws_with(monkeypatch):
    """A family name draws with its regular face: a glyph only its bold face has is not
    drawable through that name, so the word is reported, not claimed covered."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from w2v import _fonts

    regular = font_manager.findfont(font_manager.FontProperties(family="DejaVu Serif"))
    bold = font_manager.findfont(font_manager.FontProperties(family="DejaVu Serif", weight="bold"))
    only_bold = set(FT2Font(bold).get_charmap()) - set(FT2Font(regular).get_charmap())
    sans = set(FT2Font(font_manager.findfont("DejaVu Sans")).get_charmap())
    only_bold = sorted(cp for cp in only_bold - sans if not _fonts._needs_no_glyph(cp))
    if regular == bold or not only_bold:
        pytest.skip("this matplotlib's DejaVu Serif Bold has no glyph its regular face lacks")
    word = chr(only_bold[0])
    monkeypatch.setattr(_fonts, "_known_fonts", lambda: [("DejaVu Serif", bold)])
    monkeypatch.setattr(_fonts, "_new_system_fonts", lambda: [])
    fonts = _fonts.label_fonts(["king", word])
    assert fonts.missing == [word]
    assert fonts.families == ["DejaVu Sans"]


def test_other_scripts_draw_with_fonts_that_have_them_or_are_named_once(tmp_path, captured):
    """CJK, emoji and right-to-left words are drawn with installed fonts that have their
    glyphs; the words no font has are named in one PlotWarning; no raw matplotlib warning."""
    import warnings

    from w2v._fonts import display_text
    from w2v.errors import PlotWarning

    rng = np.random.default_rng(1)
    kv = KeyedVectors(SCRIPTS, rng.normal(size=(len(SCRIPTS), 16)).astype(np.float32))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plot_words(kv, ["東京", "שלום"], tmp_path / "map.png", neighbours=len(SCRIPTS) - 2)
    notes = [str(w.message) for w in caught if issubclass(w.category, PlotWarning)]
    assert [w for w in caught if not issubclass(w.category, PlotWarning)] == []
    assert len(notes) <= 1
    ax = captured[-1].axes[0]
    labels = {t.get_text(): t for t in ax.texts}
    assert set(labels) == {display_text(w) for w in SCRIPTS}
    undrawn = []
    for word in SCRIPTS:
        families = labels[display_text(word)].get_fontfamily()
        if not _covered(families, word):
            undrawn.append(word)
    assert "𝐀𝐁𝐂" not in undrawn  # STIX, shipped with matplotlib, has these glyphs
    assert "king" not in undrawn and "queen" not in undrawn
    if undrawn:
        assert notes and all(repr(w) in notes[0] for w in undrawn), (notes, undrawn)
        assert notes[0].startswith(f"{len(undrawn)} word(s) have characters that no installed")
    else:
        assert notes == []


def test_right_to_left_words_read_right_to_left():
    """A Hebrew word is handed to matplotlib in drawing order when matplotlib does not order
    it itself; digits keep their order."""
    from w2v._fonts import display_text, matplotlib_orders_rtl, visual_order

    assert visual_order("שלום") == "םולש"
    assert visual_order("שלום123") == "123םולש"
    assert visual_order("king") == "king" and visual_order("東京") == "東京"
    expected = "שלום" if matplotlib_orders_rtl() else "םולש"
    assert display_text("שלום") == expected


def test_many_labels_warn(kv, tmp_path, monkeypatch):
    """More labels than MANY_LABELS on one map warn (once) that they will crowd it."""
    from w2v.errors import PlotWarning

    monkeypatch.setattr(wplot, "MANY_LABELS", 10)
    with pytest.warns(PlotWarning, match=r"^16 labels on one map \(more than 10\)"):
        plot_words(kv, ["king", "paris"], tmp_path / "m.png", neighbours=7)
    plot_words(kv, ["king"], tmp_path / "m.png", neighbours=7)  # 8 labels: no warning


def test_cmd_plot_prints_plot_notes_as_one_line(kv, tmp_path, capsys, monkeypatch):
    """`w2v plot` prints each PlotWarning as one 'w2v: warning:' line and still draws."""
    from w2v._fonts import LabelFonts

    monkeypatch.setattr(wplot, "label_fonts", lambda words: LabelFonts(["DejaVu Sans"], ["🙂"]))
    vectors = tmp_path / "v.txt"
    kv.save_word2vec_format(vectors, binary=False)
    out = tmp_path / "map.png"
    assert main(["plot", str(vectors), "king", "-o", str(out), "-n", "3"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("w2v: warning: 1 word(s) have characters")
    assert "'🙂'" in err and out.stat().st_size > 0
