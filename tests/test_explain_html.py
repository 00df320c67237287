"""w2v explain's training walk and its page: the trainer's order, the reference's numbers,
one self-contained file, and (in headless Chromium) every shown number equal to the JSON."""

from __future__ import annotations

import json
import re
import shutil
import time

import numpy as np
import pytest

from conftest import ROOT, VARIANTS
from w2v.cli import main
from w2v.explain import HTML_EPOCHS, explain

CAT = "the cat sits on the mat"
TRUCKS = "i love trucks"
DATA = re.compile(r"<script>window\.W2V_DATA = (.*?);</script>", re.S)


def _page_data(page: str) -> dict:
    """The JSON a page carries (its script literal is JSON)."""
    match = DATA.search(page)
    assert match, "no data in the page"
    return json.loads(match.group(1))


def _states(d: dict):
    """(W_in, W_out) before each step of the walk, rebuilt from the rows each step wrote."""
    W_in, W_out = np.array(d["W_in"]), np.array(d["W_out"])
    for st in d["walk"]["steps"]:
        yield W_in, W_out
        W_in, W_out = W_in.copy(), W_out.copy()
        W_in[st["W_in_after"]["rows"]] = st["W_in_after"]["values"]
        W_out[st["W_out_after"]["rows"]] = st["W_out_after"]["values"]


# -- an oracle written from the formulas (no w2v code) -------------------------------------
def _oracle_loss(d: dict, st: dict, W_in: np.ndarray, W_out: np.ndarray) -> float:
    rows = W_in[st["inputs"]]
    h = rows.mean(axis=0) if d["cbow_mean"] else rows.sum(axis=0)
    t = st["target"]
    if d["loss"] == "softmax":
        s = W_out @ h
        return float(np.log(np.sum(np.exp(s))) - s[t])
    if d["loss"] == "hs":
        path = d["huffman"]["points"][t]
        codes = d["huffman"]["codes"][t]
        signs = 1 - 2 * np.array(codes)  # code 0 takes σ(u·h), code 1 σ(−u·h)
        return float(np.sum(np.log1p(np.exp(-signs * (W_out[path] @ h)))))
    total = np.log1p(np.exp(-(W_out[t] @ h)))
    for k in st["negatives"]:
        total += np.log1p(np.exp(W_out[k] @ h))
    return float(total)


def _expected_order(text: str, arch: str, window: int) -> list[tuple[list[str], str]]:
    """(input words, predicted word) of one epoch, word2vec.c's loops written out."""
    out = []
    for line in text.splitlines():
        toks = line.split()
        for c, centre in enumerate(toks):
            ctx = [
                toks[p] for p in range(c - window, c + window + 1) if p != c and 0 <= p < len(toks)
            ]
            if arch == "skipgram":
                out += [([w], centre) for w in ctx]
            elif ctx:
                out.append((ctx, centre))
    return out


@pytest.mark.parametrize("arch", ["skipgram", "cbow"])
def test_walk_visits_the_examples_in_the_trainers_order(arch):
    """Sentence by sentence, centre by centre; skip-gram: each context word predicts the
    centre; CBOW: one example per centre. Every epoch repeats the order."""
    text = CAT + "\nlone\nthe mat sits"
    ex = explain(text, arch=arch, epochs=3)
    walk = ex.to_dict()["walk"]
    order = _expected_order(text, arch, 2)
    got = [([ex.words[i] for i in s["inputs"]], ex.words[s["target"]]) for s in walk["steps"]]
    assert got == order * 3 and walk["examples_per_epoch"] == len(order)
    assert [s["epoch"] for s in walk["steps"]] == [e for e in (1, 2, 3) for _ in order]
    assert [s["step"] for s in walk["steps"]] == list(range(1, 3 * len(order) + 1))


@pytest.mark.parametrize(("arch", "loss"), VARIANTS)
def test_walk_steps_are_sgd_steps_with_exact_gradients(arch, loss):
    """Each step's loss is the oracle's for the matrices of that moment, its gradients are
    central differences, and the first step starts from the matrices the text prints."""
    ex = explain(CAT, arch=arch, loss=loss, dim=3, epochs=2, lr=0.3)
    d = json.loads(json.dumps(ex.to_dict()))
    steps = d["walk"]["steps"]
    checked = 0
    for k, (W_in, W_out) in enumerate(_states(d)):
        st = steps[k]
        assert st["loss"] == pytest.approx(_oracle_loss(d, st, W_in, W_out), rel=1e-12)
        if k % 5:
            continue
        for name, X in (("grad_W_in", W_in), ("grad_W_out", W_out)):
            g = st[name]
            for r, row in zip(g["rows"], g["values"], strict=True):
                for j in range(X.shape[1]):
                    old = X[r, j]
                    X[r, j] = old + 1e-6
                    plus = _oracle_loss(d, st, W_in, W_out)
                    X[r, j] = old - 1e-6
                    minus = _oracle_loss(d, st, W_in, W_out)
                    X[r, j] = old
                    assert row[j] == pytest.approx((plus - minus) / 2e-6, rel=1e-5, abs=1e-8)
        checked += 1
    assert checked >= 3
    rows = np.array(d["W_in"])[steps[0]["inputs"]]
    h = rows.mean(axis=0) if arch == "cbow" else rows[0]
    np.testing.assert_array_equal(steps[0]["projection"], h)  # starts from section 3's W


def test_skipgram_update_is_minus_lr_times_the_gradient():
    """Skip-gram softmax: every written row moves by exactly −lr·∂L/∂row."""
    d = explain(CAT, loss="softmax", epochs=1, lr=0.4).to_dict()
    for (W_in, W_out), st in zip(_states(d), d["walk"]["steps"], strict=True):
        for M, g, after in (
            (W_in, "grad_W_in", "W_in_after"),
            (W_out, "grad_W_out", "W_out_after"),
        ):
            rows = st[g]["rows"]
            assert rows == st[after]["rows"]
            expect = M[rows] - 0.4 * np.array(st[g]["values"])
            np.testing.assert_allclose(st[after]["values"], expect, rtol=1e-12, atol=1e-15)


def test_ns_draws_are_words_never_the_target_and_follow_the_noise():
    """One generator for the whole walk: every draw is a word id, none is the target."""
    ex = explain(CAT, arch="cbow", loss="ns", negative=5, epochs=60)
    steps = ex.walk["steps"]
    draws = [k for s in steps for k in s["negatives"]]
    assert all(0 <= k < ex.V for k in draws)
    assert all(s["target"] not in s["negatives"] for s in steps)
    assert all(s["rows"] == [s["target"], *s["negatives"]] for s in steps)
    share = np.bincount(draws, minlength=ex.V) / len(draws)
    assert share[0] == max(share)  # "the" (count 2) is drawn most
    assert len({tuple(s["negatives"]) for s in steps}) > len(steps) // 2


def test_skipgram_window_view_is_one_distribution_at_each_windows_first_example():
    """The C 'output layers' of each window: identical rows of the softmax of W'·W[centre]."""
    d = explain(CAT, loss="softmax", epochs=1).to_dict()
    steps = d["walk"]["steps"]
    firsts = [s for s in steps if "window" in s]
    assert len(firsts) == 6  # one per centre word
    for (W_in, W_out), st in zip(_states(d), steps, strict=True):
        if "window" not in st:
            continue
        w = st["window"]
        D = np.array(w["distributions"])
        assert w["center"] == st["target"] and D.shape == (len(w["positions"]), 5)
        s = W_out @ W_in[w["center"]]
        np.testing.assert_allclose(D, np.broadcast_to(np.exp(s) / np.exp(s).sum(), D.shape))
        assert w["largest_difference"] == 0.0
        assert w["window_loss"] == pytest.approx(-np.log(D[0][w["words"]]).sum(), rel=1e-12)


def test_page_is_one_self_contained_file_carrying_the_json():
    """No external script, style, image or font; the data is the JSON of the same call."""
    for arch, loss in VARIANTS:
        ex = explain(TRUCKS, arch=arch, loss=loss, epochs=2)
        page = ex.to_html()
        assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
        assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(\s*['\"]?http", page)
        assert not re.search(r"\bfetch\(|XMLHttpRequest|import\(", page)
        assert _page_data(page) == json.loads(json.dumps(ex.to_dict()))


def test_page_survives_words_that_look_like_markup():
    """A word such as </script> cannot end the data early."""
    text = "a </script><b>x b <!-- c\nb a"
    ex = explain(text, epochs=1)
    page = ex.to_html()
    assert page.count("</script>") == 2
    assert _page_data(page)["vocab"]["words"] == ex.words


def test_to_html_walks_html_epochs_when_none_was_asked():
    """explain(...).to_html() without epochs walks HTML_EPOCHS epochs (and keeps the walk)."""
    ex = explain(TRUCKS)
    assert ex.walk is None
    data = _page_data(ex.to_html())
    assert data["walk"]["epochs"] == HTML_EPOCHS and ex.to_dict()["walk"] == data["walk"]


def test_cli_html_writes_the_page_and_json_has_the_same_walk(tmp_path, capsys):
    """--html FILE writes the page; --format json with the same arguments holds its data."""
    out = tmp_path / "page.html"
    args = ["explain", CAT, "--loss", "hs", "--epochs", "2", "--lr", "0.2"]
    assert main([*args, "--html", str(out)]) == 0
    captured = capsys.readouterr()
    assert "wrote" in captured.err and "Training walk" in captured.out
    assert main([*args, "--format", "json"]) == 0
    assert _page_data(out.read_text(encoding="utf-8")) == json.loads(capsys.readouterr().out)
    assert main(["explain", TRUCKS, "--html", str(out)]) == 0  # atomically replaced
    assert _page_data(out.read_text())["walk"]["epochs"] == HTML_EPOCHS
    assert not list(tmp_path.glob(".*tmp"))


def test_text_walk_section_prints_the_jsons_numbers(capsys):
    """The text's walk lines are the JSON's step numbers at 6 decimals."""
    assert main(["explain", TRUCKS, "--epochs", "2", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert main(["explain", TRUCKS, "--epochs", "2"]) == 0
    text = capsys.readouterr().out
    for s in d["walk"]["steps"]:
        words = d["vocab"]["words"]
        pair = f"{words[s['inputs'][0]]} → {words[s['target']]}"
        expect = f"{s['loss']:10.6f}{s['p_target']:11.6f}{s['loss_after']:10.6f}"
        assert re.search(
            rf"^\s+{s['step']}\s+{s['epoch']}\s+{pair}\s+{re.escape(expect)}$", text, re.M
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([TRUCKS, "--epochs", "-1"], "epochs must be an integer >= 0"),
        ([CAT, "--epochs", "1000"], "at most 3000"),
        ([TRUCKS, "--html", "/nonexistent/page.html"], "does not exist"),
    ],
)
def test_cli_walk_mistakes_print_one_line_and_exit_2(args, message, capsys):
    """A bad --epochs or --html: one line on stderr, status 2."""
    assert main(["explain", *args]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_docs_pages_are_current():
    """The pages docs/how-word2vec-works.md links to carry the numbers explain computes now
    (compared as numbers, so a last-bit difference of another CPU does not fail), the page's
    current script and style, and stay small."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("regenerate", ROOT / "docs" / "regenerate.py")
    assert spec is not None and spec.loader is not None
    regen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(regen)
    md = regen.PAGE.read_text()
    for name, kwargs in regen.HTML_PAGES.items():
        path = regen.PAGE.parent / name
        assert f"]({name})" in md
        assert path.stat().st_size < 600_000
        committed = path.read_text(encoding="utf-8")
        fresh = explain(**kwargs).to_html()
        assert DATA.sub("", committed) == DATA.sub("", fresh), "run: python docs/regenerate.py"
        _assert_close(_page_data(committed), _page_data(fresh))


def _assert_close(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _assert_close(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _assert_close(x, y)
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-12)
    else:
        assert a == b


# -- in a real browser ---------------------------------------------------------------------
def _fmt(x: float, d: int) -> str:
    """What the text output prints: f"{x:.{d}f}", a zero without its minus sign."""
    s = f"{x:.{d}f}"
    return s[1:] if s.startswith("-") and not re.search("[1-9]", s) else s


def _expected(d: dict, t: int) -> dict[str, str]:
    """Every number the page should show at example t + 1, keyed by its data-k name."""
    walk = d["walk"]
    steps = walk["steps"]
    st = steps[t]
    W_in, W_out = next(s for k, s in enumerate(_states(d)) if k == t)
    e: dict[str, str] = {}
    V = len(d["vocab"]["words"])

    def vec(key: str, v) -> None:
        for j, x in enumerate(v):
            e[f"{key}.{j}"] = _fmt(x, 4)

    if V > 20:  # long one-hots are written as "x[i] = 1, the other V − 1 entries 0"
        if d["arch"] == "skipgram":
            e[f"x.{st['inputs'][0]}"] = "1"
        else:
            e.update({f"x.{c}.{i}": "1" for c, i in enumerate(st["inputs"])})
    elif d["arch"] == "skipgram":
        e.update({f"x.{k}": str(int(k == st["inputs"][0])) for k in range(V)})
    else:
        for c, i in enumerate(st["inputs"]):
            e.update({f"x.{c}.{k}": str(int(k == i)) for k in range(V)})
    for i, row in enumerate(W_in):
        vec(f"W.{i}", row)
    for r, row in enumerate(W_out):
        vec(f"Wo.{r}", row)
    vec("h", st["projection"])
    if d["loss"] == "softmax":
        for k in range(V):
            e[f"s.{k}"] = _fmt(st["scores"][k], 4)
            e[f"p.{k}"] = _fmt(st["probs"][k], 4)
            e[f"ds.{k}"] = _fmt(st["probs"][k] - (1.0 if k == st["target"] else 0.0), 4)
    else:
        units = zip(st["scores"], st["sigmoids"], st["labels"], strict=True)
        for u, (s, sig, lab) in enumerate(units):
            e[f"u.{u}.s"], e[f"u.{u}.sig"] = _fmt(s, 4), _fmt(sig, 4)
            e[f"u.{u}.ds"] = _fmt(sig - lab, 4)
            if d["loss"] == "hs":
                e[f"u.{u}.branch"] = _fmt(sig if st["codes"][u] == 0 else 1 - sig, 4)
    e["p_target"] = _fmt(st["p_target"], 6)
    e["loss"], e["loss_after"] = _fmt(st["loss"], 6), _fmt(st["loss_after"], 6)
    vec("gh", st["grad_projection"])
    for key, g in (("gW", st["grad_W_in"]), ("gWo", st["grad_W_out"])):
        for r, v in zip(g["rows"], g["values"], strict=True):
            vec(f"{key}.{r}", v)
    for key, M, a in (("upW", W_in, st["W_in_after"]), ("upWo", W_out, st["W_out_after"])):
        for r, v in zip(a["rows"], a["values"], strict=True):
            vec(f"{key}.{r}.b", M[r])
            vec(f"{key}.{r}.a", v)
    done = (t + 1) // walk["examples_per_epoch"]
    if done:
        e["epoch_loss"] = _fmt(walk["epoch_loss"][done - 1], 6)
    if d["arch"] == "skipgram":
        w = next(steps[k]["window"] for k in range(t, -1, -1) if "window" in steps[k])
        for c, row in enumerate(w["distributions"]):
            vec(f"win.{c}", row)
        if d["loss"] != "ns":
            for c, x in enumerate(w["pair_losses"]):
                e[f"win.loss.{c}"] = e[f"win.sum.{c}"] = _fmt(x, 4)
            e["win.total"] = _fmt(w["window_loss"], 4)
    if d["loss"] == "hs":
        for u, n in enumerate(st["rows"]):
            e[f"tree.{n}"] = _fmt(st["sigmoids"][u], 4)
        vec("leaf", st["leaf_probs"])
    if d["loss"] == "ns":
        vec("uni", d["noise"]["unigram"])
        vec("pn", d["noise"]["distribution"])
    return e


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through its own chromedriver (nothing is downloaded)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.skip("Chromium is absent: apt-get install chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is absent: pip install -e '.[test]'")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--window-size=1400,1000")
    drv = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    yield drv
    drv.quit()


def _shown(drv) -> dict[str, str]:
    pairs = drv.execute_script(
        "return [...document.querySelectorAll('[data-k]')].map(e => [e.dataset.k, e.textContent])"
    )
    shown = dict(pairs)
    assert len(shown) == len(pairs), "a number is shown twice under one name"
    return shown


def _step(drv) -> int:
    return int(drv.find_element("tag name", "body").get_attribute("data-step"))


LONG = " ".join(f"w{i}" for i in range(24)) + "\nw3 w1 w4 w1 w5"


@pytest.mark.parametrize(
    ("text", "arch", "loss", "dim", "epochs"),
    [pytest.param(CAT, arch, loss, 2, 3, id=f"{arch}-{loss}") for arch, loss in VARIANTS]
    + [
        pytest.param(LONG, "cbow", "hs", 6, 1, id="long-cbow-hs"),
    ],
)
def test_browser_steps_through_the_walk_showing_the_jsons_numbers(
    browser, text, arch, loss, dim, epochs, tmp_path
):
    """Load the page from disk, click next / previous / go to / reset / play, and compare
    every number on the page with the JSON after each click; save a screenshot. (The long
    text writes its one-hots as x[i] = 1 and its updates as before / after lines.)"""
    from selenium.webdriver.common.by import By

    ex = explain(text, arch=arch, loss=loss, dim=dim, epochs=epochs, lr=0.3)
    page = ex.save_html(tmp_path / "page.html")
    d = json.loads(json.dumps(ex.to_dict()))
    M = len(d["walk"]["steps"])
    browser.get(page.as_uri())
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    click = lambda name: browser.find_element(By.ID, name).click()  # noqa: E731
    assert _step(browser) == 1 and _shown(browser) == _expected(d, 0)
    for _ in range(3):
        click("next")
    assert _step(browser) == 4 and _shown(browser) == _expected(d, 3)
    click("prev")
    assert _step(browser) == 3 and _shown(browser) == _expected(d, 2)
    jump = browser.find_element(By.ID, "jump")
    jump.clear()
    jump.send_keys(str(M - 1))
    click("go")
    assert _step(browser) == M - 1 and _shown(browser) == _expected(d, M - 2)
    click("reset")
    assert _step(browser) == 1
    browser.execute_script("document.getElementById('speed').value = 10")
    click("play")
    deadline = time.monotonic() + 10
    while _step(browser) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    if "Pause" in browser.find_element(By.ID, "play").text:
        click("play")  # pause (at the last example it has stopped by itself)
    t, deadline = 0, time.monotonic() + 5
    while t != _step(browser) and time.monotonic() < deadline:  # ticks queued before the click
        t = _step(browser)
        time.sleep(0.3)
    assert "Play" in browser.find_element(By.ID, "play").text
    assert 4 <= t == _step(browser) and _shown(browser) == _expected(d, t - 1)
    shot = tmp_path / f"{arch}-{loss}-{dim}.png"
    browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_browser_formats_numbers_as_python_does(browser, tmp_path):
    """The page's formatter rounds half to even on the exact value, as f"{x:.4f}" does."""
    page = explain(TRUCKS, epochs=1).save_html(tmp_path / "p.html")
    browser.get(page.as_uri())
    values = [0.125, 0.375, 2.5, 0.03125, -0.00001, -0.0, 1e-20, 123.456789, -7.00005, 0.1]
    for d in (0, 2, 4, 6):
        got = browser.execute_script(f"return arguments[0].map(x => w2vFormat(x, {d}))", values)
        assert got == [_fmt(x, d) for x in values]
