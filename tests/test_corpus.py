"""Corpus readers: files, folders, compression, long lines, bad bytes, and clear errors."""

from __future__ import annotations

import bz2
import gzip
import lzma

import pytest

from w2v import LineCorpus
from w2v.corpus import BLOCK_BYTES, ReadStats, iter_pieces
from w2v.errors import CorpusError, CorpusNotFoundError
from w2v.vocab import build_vocab_and_encode


def _sentences(corpus, epochs=1):
    stats = ReadStats()
    out, cur = [], []
    for tokens, ends in iter_pieces(corpus, stats, epochs):
        cur.extend(tokens)
        if ends:
            out.append(cur)
            cur = []
    return [s for s in out if s], stats


@pytest.mark.parametrize(
    ("suffix", "opener"),
    [(".txt", open), (".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)],
)
def test_reads_plain_and_compressed_files(tmp_path, suffix, opener):
    """Plain, .gz, .bz2 and .xz files give the same sentences."""
    path = tmp_path / f"c{suffix}"
    with opener(path, "wb") as fh:
        fh.write(b"the cat  sat\n\n on the\tmat \r\nlast line no newline")
    sentences, stats = _sentences(path)
    assert sentences == [
        ["the", "cat", "sat"],
        ["on", "the", "mat"],
        ["last", "line", "no", "newline"],
    ]
    assert stats.files == [str(path)]


def test_folder_reads_files_in_name_order_and_skips_hidden(tmp_path):
    """A folder is its visible files in sorted order."""
    (tmp_path / "b.txt").write_text("two\n")
    (tmp_path / "a.txt").write_text("one\n")
    (tmp_path / ".hidden").write_text("secret\n")
    assert _sentences(tmp_path)[0] == [["one"], ["two"]]


def test_a_line_longer_than_a_block_is_read_whole(tmp_path):
    """A line of several MB is cut into pieces but no word is lost or split."""
    words = [f"w{i}" for i in range(3 * BLOCK_BYTES // 5)]  # ~2 MB in one line
    path = tmp_path / "long.txt"
    path.write_text(" ".join(words) + "\nshort line\n")
    pieces = list(iter_pieces(path, ReadStats()))
    assert len(pieces) > 2  # the long line came in several pieces
    assert [not ends for _, ends in pieces].count(True) >= 1
    sentences, _ = _sentences(path)
    assert sentences == [words, ["short", "line"]]


def test_long_line_is_fully_encoded(tmp_path):
    """Every word of a 300,000-word line reaches the encoded corpus."""
    words = [f"w{i % 1000}" for i in range(300_000)]
    path = tmp_path / "long.txt"
    path.write_text(" ".join(words))
    vocab, enc = build_vocab_and_encode(path, min_count=1)
    try:
        assert enc.n_words == 300_000
        assert enc.sentence_ends.tolist() == [300_000]
        assert enc.read(299_999, 300_000).tolist() == [vocab.index["w999"]]
    finally:
        enc.close()


def test_undecodable_bytes_are_replaced_and_counted(tmp_path):
    """Invalid UTF-8 becomes U+FFFD and is counted; a genuine U+FFFD is not counted."""
    path = tmp_path / "bad.txt"
    path.write_bytes(b"caf\xe9 ok \xff\xfe word\n" + "real\ufffd".encode() + b"\n")
    sentences, stats = _sentences(path)
    assert sentences[0] == ["caf\ufffd", "ok", "\ufffd\ufffd", "word"]
    assert stats.replaced_bytes == 3


def test_missing_path_names_it(tmp_path):
    """A missing corpus raises CorpusNotFoundError with the path."""
    missing = tmp_path / "nope.txt"
    with pytest.raises(CorpusNotFoundError, match="nope.txt"):
        list(iter_pieces(missing, ReadStats()))
    with pytest.raises(CorpusNotFoundError, match="nope.txt"):
        LineCorpus(missing)


def test_empty_folder_is_an_error(tmp_path):
    """A folder with no files raises CorpusError."""
    with pytest.raises(CorpusError, match="contains no files"):
        list(iter_pieces(tmp_path, ReadStats()))


def test_one_shot_generator_is_refused_for_several_epochs():
    """A generator cannot be read again, so epochs > 1 is refused with the reason."""
    gen = (s for s in [["a", "b"]])
    with pytest.raises(CorpusError, match=r"one-shot iterator.*5 epochs.*read again"):
        list(iter_pieces(gen, ReadStats(), epochs=5))


def test_one_shot_generator_is_fine_for_one_epoch():
    """With a single epoch a generator is read once, which is all that is needed."""
    gen = (s for s in [["a", "b"], ["c"]])
    assert _sentences(gen, epochs=1)[0] == [["a", "b"], ["c"]]


def test_strings_instead_of_token_lists_are_refused():
    """A list of str (not token lists) raises CorpusError telling to split them."""
    with pytest.raises(CorpusError, match="list of tokens.*Split it first"):
        list(iter_pieces(["the cat sat", "on the mat"], ReadStats()))


def test_non_iterable_corpus_is_refused():
    """A number is neither a path nor an iterable."""
    with pytest.raises(CorpusError, match="path or an iterable"):
        list(iter_pieces(42, ReadStats()))  # type: ignore[arg-type]


def test_line_corpus_is_reiterable(tmp_path):
    """LineCorpus yields the same sentences on every iteration."""
    path = tmp_path / "c.txt"
    path.write_text("a b\nc\n")
    corpus = LineCorpus(path)
    assert list(corpus) == list(corpus) == [["a", "b"], ["c"]]


@pytest.mark.parametrize(
    ("compress", "name", "suffix"),
    [(gzip.compress, "gzip", ".gz"), (bz2.compress, "bzip2", ".bz2"), (lzma.compress, "xz", ".xz")],
)
def test_a_compressed_corpus_named_as_text_says_so(tmp_path, compress, name, suffix):
    """A .txt that is really gzip (bzip2, xz) data names its compression and the fix, instead
    of 'looks binary' or reading compressed bytes as words."""
    path = tmp_path / "corpus.txt"
    path.write_bytes(compress(b"the cat sat\n" * 50))
    fix = rf"is {name}-compressed.*rename it to corpus\.txt\{suffix}"
    with pytest.raises(CorpusError, match=fix):
        list(LineCorpus(path))
