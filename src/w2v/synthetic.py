"""A generated English-like corpus with planted analogies, for demos and tests (no external text).

A small probabilistic grammar writes sentences about three little worlds, each built so that a
word's contexts are the sum of a *concept* part, shared by both words of a pair, and an
*attribute* part, shared by every pair of a relation:

- **capital-country** — ``paris``/``france``, ``berlin``/``germany`` …: both words of a pair
  appear with the same demonym and landmark (``french``, ``seine``); capitals with city words
  (``mayor``, ``streets``), countries with nation words (``president``, ``borders``).
- **gender** — ``king``/``queen``, ``actor``/``actress`` …: both with the same concept words
  (``throne``, ``film``); male words with ``he``/``his``/``him``, female with ``she``/``her``.
- **plural** — ``cat``/``cats``, ``dog``/``dogs`` …: both with the same concept words (``milk``);
  singulars with ``a``/``this``/``is``/``it``, plurals with ``many``/``these``/``are``/``they``.

So vec(b) − vec(a) + vec(c) ≈ vec(d) for every question ``a b c d`` of a section, and a
word2vec model trained on the corpus answers the questions of :func:`analogy_questions`.
A few linking sentences ("paris is the capital of france", "the queen of spain lives in
madrid") and plain filler sentences make the text read more like English.

The output depends only on ``seed`` (a :class:`random.Random` stream over fixed tuples; no set
or dict iteration), so it is the same for every ``PYTHONHASHSEED`` and platform.
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Sequence
from pathlib import Path

from ._files import atomic_write

#: (capital, country, demonym, landmark): the two concept words go with both capital and country.
CAPITALS: tuple[tuple[str, str, str, str], ...] = (
    ("paris", "france", "french", "seine"),
    ("berlin", "germany", "german", "rhine"),
    ("rome", "italy", "italian", "colosseum"),
    ("madrid", "spain", "spanish", "paella"),
    ("lisbon", "portugal", "portuguese", "tagus"),
    ("athens", "greece", "greek", "acropolis"),
    ("vienna", "austria", "austrian", "danube"),
    ("warsaw", "poland", "polish", "vistula"),
    ("oslo", "norway", "norwegian", "fjords"),
    ("stockholm", "sweden", "swedish", "krona"),
    ("dublin", "ireland", "irish", "liffey"),
    ("cairo", "egypt", "egyptian", "nile"),
    ("tokyo", "japan", "japanese", "sushi"),
    ("ottawa", "canada", "canadian", "maple"),
    ("lima", "peru", "peruvian", "andes"),
    ("moscow", "russia", "russian", "volga"),
)

#: (male, female, concept word, concept word).
GENDER: tuple[tuple[str, str, str, str], ...] = (
    ("king", "queen", "throne", "kingdom"),
    ("prince", "princess", "castle", "heir"),
    ("emperor", "empress", "empire", "legions"),
    ("duke", "duchess", "estate", "hunting"),
    ("man", "woman", "office", "newspaper"),
    ("boy", "girl", "school", "homework"),
    ("father", "mother", "children", "garden"),
    ("son", "daughter", "parents", "bicycle"),
    ("brother", "sister", "twin", "bedroom"),
    ("uncle", "aunt", "cousins", "farm"),
    ("husband", "wife", "wedding", "marriage"),
    ("actor", "actress", "film", "stage"),
    ("waiter", "waitress", "restaurant", "menu"),
    ("god", "goddess", "temple", "worship"),
)

#: (singular, plural, concept word, concept word).
PLURALS: tuple[tuple[str, str, str, str], ...] = (
    ("cat", "cats", "milk", "mice"),
    ("dog", "dogs", "bone", "leash"),
    ("horse", "horses", "hay", "saddle"),
    ("bird", "birds", "nest", "seeds"),
    ("cow", "cows", "grass", "barn"),
    ("car", "cars", "road", "engine"),
    ("house", "houses", "roof", "chimney"),
    ("tree", "trees", "leaves", "forest"),
    ("book", "books", "shelf", "library"),
    ("apple", "apples", "orchard", "pie"),
    ("ship", "ships", "harbor", "sails"),
    ("pen", "pens", "ink", "paper"),
    ("key", "keys", "lock", "door"),
    ("cup", "cups", "tea", "saucer"),
)

# -- templates ---------------------------------------------------------------------------------
# Each template is filled by str.format and split on spaces. Capital and country templates are
# parallel: the same sentence with city words in one and nation words in the other.
_PLACE_TEMPLATES: tuple[str, ...] = (
    "the {head} of {x} speaks {dem}",
    "{x} is a {dem} {kind} near the {land}",
    "we visited {x} and saw the {land}",
    "tourists in {x} love the {land} and the {dem} food",
    "the {many} of {x} are full of {dem} people",
    "{x} is a {big} {kind} with {dem} {many}",
    "in {x} the {head} talked about the {land}",
    "the {dem} {head} lives in {x}",
)
_CITY_WORDS = {"head": ("mayor",), "kind": ("city", "town"), "many": ("streets", "suburbs")}
_COUNTRY_WORDS = {
    "head": ("president", "government"),
    "kind": ("country", "nation"),
    "many": ("borders", "provinces"),
}
_CITY_BIG = ("busy", "crowded")
_COUNTRY_BIG = ("large", "vast")

_PERSON_TEMPLATES: tuple[str, ...] = (
    "the {w} said that {he} would visit the {c1}",
    "{he} is the {w} and {his} {c2} is old",
    "the {w} loved {his} {c1} very much",
    "people saw the {w} near the {c2} and greeted {him}",
    "everyone knows that the {w} and {his} {c1} are famous",
    "the {w} {verb} {his} {c2} yesterday",
    "{he} was a {w} and {he} {verb} the {c1}",
)
_MALE = {"he": "he", "his": "his", "him": "him"}
_FEMALE = {"he": "she", "his": "her", "him": "her"}
_VERBS = ("visited", "showed", "found", "left", "described", "remembered")

_THING_TEMPLATES: tuple[str, ...] = (
    "{det} {n} {be} near the {c1}",
    "there {be} {det} {n} by the {c2}",
    "i saw {det} {n} and {it} {be} next to the {c1}",
    "{det} {n} {has} a {c2}",
    "{det} {n} {be} {adj} and {it} {be} close to the {c1}",
    "we found {det} {n} beside the {c2} and {it} {be} {adj}",
)
_SINGULAR = {"det": ("a", "one", "this", "that"), "be": ("is", "was"), "has": ("has",)}
_PLURAL = {
    "det": ("many", "two", "these", "those", "some"),
    "be": ("are", "were"),
    "has": ("have",),
}
_IT = {"sing": "it", "plur": "they"}
_ADJ = ("small", "old", "new", "red", "quiet", "clean")

_LINK_TEMPLATES: tuple[str, ...] = (
    "{city} is the capital of {country}",
    "the capital of {country} is {city}",
    "the {royal} of {country} lives in {city}",
)
_ROYALS = ("king", "queen", "prince", "princess", "emperor", "empress", "duke", "duchess")

_FILLERS: tuple[str, ...] = (
    "it was a sunny day and the sky was blue",
    "the weather is cold in winter and warm in summer",
    "after lunch we went for a long walk",
    "nobody knew what would happen next",
    "the story ends here for now",
    "we talked for hours about nothing",
    "the morning was quiet and the evening was loud",
    "time passes quickly when you are busy",
)

#: Share of each kind of sentence; the rest are fillers.
_P_PLACE, _P_PERSON, _P_THING, _P_LINK = 0.30, 0.30, 0.30, 0.05


def _place(rng: random.Random) -> str:
    city, country, dem, land = rng.choice(CAPITALS)
    is_city = rng.random() < 0.5
    words = _CITY_WORDS if is_city else _COUNTRY_WORDS
    return rng.choice(_PLACE_TEMPLATES).format(
        x=city if is_city else country,
        dem=dem,
        land=land,
        head=rng.choice(words["head"]),
        kind=rng.choice(words["kind"]),
        many=rng.choice(words["many"]),
        big=rng.choice(_CITY_BIG if is_city else _COUNTRY_BIG),
    )


def _person(rng: random.Random) -> str:
    male, female, c1, c2 = rng.choice(GENDER)
    if rng.random() < 0.5:
        w, pron = male, _MALE
    else:
        w, pron = female, _FEMALE
    if rng.random() < 0.5:
        c1, c2 = c2, c1
    return rng.choice(_PERSON_TEMPLATES).format(w=w, c1=c1, c2=c2, verb=rng.choice(_VERBS), **pron)


def _thing(rng: random.Random) -> str:
    sing, plur, c1, c2 = rng.choice(PLURALS)
    if rng.random() < 0.5:
        n, words, it = sing, _SINGULAR, _IT["sing"]
    else:
        n, words, it = plur, _PLURAL, _IT["plur"]
    if rng.random() < 0.5:
        c1, c2 = c2, c1
    return rng.choice(_THING_TEMPLATES).format(
        n=n,
        c1=c1,
        c2=c2,
        it=it,
        adj=rng.choice(_ADJ),
        det=rng.choice(words["det"]),
        be=rng.choice(words["be"]),
        has=rng.choice(words["has"]),
    )


def _link(rng: random.Random) -> str:
    city, country, _dem, _land = rng.choice(CAPITALS)
    return rng.choice(_LINK_TEMPLATES).format(city=city, country=country, royal=rng.choice(_ROYALS))


def generate_corpus(n_sentences: int, seed: int = 0) -> list[list[str]]:
    """Generate ``n_sentences`` tokenised sentences of the planted-analogy grammar.

    Parameters
    ----------
    n_sentences : int
        How many sentences (about 8 words each).
    seed : int
        Seed of the generator; the same seed gives the same corpus on every run, platform and
        ``PYTHONHASHSEED``.

    Returns
    -------
    list of list of str
        Lower-case tokens, one list per sentence; every word of :func:`analogy_questions`
        appears once ``n_sentences`` is a few thousand.

    Examples
    --------
    >>> generate_corpus(2, seed=0) == generate_corpus(2, seed=0)
    True
    """
    if n_sentences < 0:
        raise ValueError(f"n_sentences must be >= 0, got {n_sentences}")
    rng = random.Random(seed)
    p1 = _P_PLACE
    p2 = p1 + _P_PERSON
    p3 = p2 + _P_THING
    p4 = p3 + _P_LINK
    sentences: list[list[str]] = []
    for _ in range(n_sentences):
        r = rng.random()
        if r < p1:
            text = _place(rng)
        elif r < p2:
            text = _person(rng)
        elif r < p3:
            text = _thing(rng)
        elif r < p4:
            text = _link(rng)
        else:
            text = rng.choice(_FILLERS)
        sentences.append(text.split(" "))
    return sentences


def write_corpus(path: str | os.PathLike[str], n_sentences: int, seed: int = 0) -> Path:
    """Write :func:`generate_corpus` to ``path``, one sentence per line, atomically.

    The text goes to a temporary file in the same folder, which then replaces ``path``, so a
    reader never sees a half-written corpus. Returns the path.
    """
    target = Path(path)
    with atomic_write(target) as raw:
        fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        for sentence in generate_corpus(n_sentences, seed):
            fh.write(" ".join(sentence))
            fh.write("\n")
        fh.flush()
        fh.detach()  # atomic_write closes the file
    return target


def _section(name: str, pairs: Sequence[tuple[str, str]]) -> list[str]:
    lines = [f": {name}"]
    for a, b in pairs:
        for c, d in pairs:
            if a != c:
                lines.append(f"{a} {b} {c} {d}")
    return lines


def analogy_questions() -> list[str]:
    """The planted analogies, as lines of the Google ``questions-words.txt`` format.

    Three sections — ``: capital-country`` (``paris france berlin germany``: a capital, its
    country, another capital, its country), ``: gender`` (``king queen man woman``) and
    ``: plural`` (``cat cats dog dogs``) — each with every ordered pair of distinct pairs.
    """
    return [
        *_section("capital-country", [(c[0], c[1]) for c in CAPITALS]),
        *_section("gender", [(g[0], g[1]) for g in GENDER]),
        *_section("plural", [(p[0], p[1]) for p in PLURALS]),
    ]
