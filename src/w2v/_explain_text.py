"""Text rendering of an :class:`~w2v.explain.Explanation` for an 80-column terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .explain import Explanation

WIDTH = 80
_NUM = 9  # width of one number column
_BOLD, _GREEN, _YELLOW, _DIM, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[33m", "\x1b[2m", "\x1b[0m"
_ARCH = {"skipgram": "skip-gram", "cbow": "CBOW"}
_LOSS = {"softmax": "full softmax", "hs": "hierarchical softmax", "ns": "negative sampling"}


class _Out:
    """Collects lines; colours only when asked."""

    def __init__(self, color: bool):
        self.color = color
        self.lines: list[str] = []
        self.section = 0

    def c(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def line(self, text: str = "") -> None:
        self.lines.append(text.rstrip())

    def wrap(self, text: str, indent: str = "   ") -> None:
        """Word-wrap plain prose to the width."""
        words, cur = text.split(), indent
        for w in words:
            if len(cur) + len(w) + (cur != indent) > WIDTH:
                self.line(cur)
                cur = indent
            cur += (" " if cur != indent else "") + w
        if cur.strip():
            self.line(cur)

    def head(self, title: str) -> None:
        self.section += 1
        self.line()
        self.line(self.c(f"{self.section}. {title}", _BOLD))


def _f(x: float) -> str:
    text = f"{x:{_NUM}.4f}"
    return text.replace("-0.0000", " 0.0000")  # a tiny negative shows as zero, unsigned


def _label(s: str, width: int) -> str:
    return s if len(s) <= width else s[: width - 1] + "…"


def _vec(x: np.ndarray, room: int = WIDTH - 16) -> str:
    """``[ a b c ]`` within ``room`` characters; long vectors are cut with their length."""
    fit = max(1, (room - 4) // _NUM)
    if len(x) <= fit:
        return "[" + "".join(_f(v) for v in x) + " ]"
    return "[" + "".join(_f(v) for v in x[: fit - 2]) + f"  … ({len(x)} values) ]"


def _matrix(
    o: _Out, M: np.ndarray, labels: list[str], marks: dict[int, str], col: str = "d"
) -> None:
    """Rows labelled, columns ``d0 d1 …`` (cut to the width), a mark after some rows."""
    lw = min(max(len(s) for s in labels), 12)
    fit = max(1, (WIDTH - 3 - lw - 14) // _NUM)
    cols = M.shape[1] if M.shape[1] <= fit else fit - 1
    more = "      …" if cols < M.shape[1] else ""
    o.line("   " + " " * lw + "".join(f"{col}{j}".rjust(_NUM) for j in range(cols)) + more)
    for i, row in enumerate(M):
        mark = marks.get(i, "")
        text = "   " + _label(labels[i], lw).ljust(lw) + "".join(_f(v) for v in row[:cols])
        text += more
        o.line(text + (f"  {o.c(mark, _YELLOW)}" if mark else ""))


def _range(arch: str) -> str:
    """The trainer's initial W range for ``arch`` as the text prints it (``init_range``)."""
    from .config import TrainConfig

    return f"{TrainConfig(arch=arch).init_range:g}"


def _one_hot(V: int, i: int) -> str:
    if V <= 30:
        return "[" + " ".join("1" if j == i else "0" for j in range(V)) + "]"
    return f"x[{i}] = 1, the other {V - 1} entries 0"


def render(ex: Explanation, color: bool = False) -> str:
    """The whole explanation as lines of at most 80 characters (not counting colours)."""
    o = _Out(color)
    words, V, tgt = ex.words, ex.V, ex.words[ex.target]
    arch, loss = _ARCH[ex.arch], _LOSS[ex.loss]
    o.line(o.c(f"w2v explain: {arch} with {loss}, dim {ex.dim}, window {ex.window}", _BOLD))
    o.wrap(f'text: "{ex.text.strip()}"', indent="")
    if ex.arch == "skipgram":
        o.wrap(
            f'example: the centre word "{ex.center}" predicts the context word "{tgt}" '
            "(the textbook direction; the trainer walks each window the other way round, "
            "word2vec.c's order, which trains the same pairs)",
            indent="",
        )
    else:
        ctx = ", ".join(ex.sentence[p] for p in ex.context_pos)
        agg = "mean" if ex.cbow_mean else "sum"
        o.wrap(
            f'example: the {agg} of the context words {ctx} predicts the centre word "{tgt}"',
            indent="",
        )

    # 1. vocabulary
    o.head(f"Vocabulary: V = {V} words, sorted by count (ties: first seen), as trained")
    lw = min(max(len(w) for w in words), 12)
    o.line(f"   {'id':>3}  {'word'.ljust(lw)}  count")
    for i, (w, n) in enumerate(zip(words, ex.counts, strict=True)):
        o.line(f"   {i:>3}  {_label(w, lw).ljust(lw)}  {int(n):>5}")

    # 2. input
    if ex.arch == "skipgram":
        o.head(f'Input: the one-hot vector x of "{ex.center}" (length V)')
        o.line(f"   x = {_one_hot(V, ex.inputs[0])}")
    else:
        o.head(f"Input: one one-hot vector per context word (C = {len(ex.inputs)})")
        for p, i in zip(ex.context_pos, ex.inputs, strict=True):
            o.line(f"   {p - ex.center_pos:+d} {_label(words[i], 12):<12} x = {_one_hot(V, i)}")

    # 3. weights
    init = (
        "every entry uniform in [-0.5, 0.5)"
        if ex.init == "random"
        else f"the trainer's start: W uniform in ±{_range(ex.arch)}/dim, W' zero"
    )
    o.head(f"Weights (init '{ex.init}', seed {ex.seed}: {init})")
    o.line("   W, the input vectors: one row per word (V × dim)")
    in_marks = {i: "◀ input" for i in ex.inputs}
    _matrix(o, ex.W_in, words, in_marks)
    if ex.loss == "hs":
        o.wrap(
            f"W', the output vectors: one row per inner node of the Huffman tree "
            f"(V − 1 = {V - 1} rows; words have no output row in HS)"
        )
        marks = {p: "◀ on the path" for p in ex.points}
    else:
        o.wrap(
            "W', the output vectors: one row per word (diagrams draw W' as dim × V; "
            "these rows are its columns)"
        )
        marks = {ex.target: "◀ target"}
        if ex.loss == "ns":
            for k in ex.negatives:
                marks.setdefault(k, "◀ noise")
    _matrix(o, ex.W_out, ex.out_labels, marks)

    # 4. projection
    h = ex.h
    if ex.arch == "skipgram":
        o.head(f"Projection (hidden layer): h = xᵀW = W[{ex.center}]")
        o.line(f"   h = {_vec(h)}")
        o.wrap(
            "x is one-hot, so the product only picks a row: an embedding lookup, no "
            "activation function."
        )
    else:
        C = len(ex.inputs)
        agg = "mean" if ex.cbow_mean else "sum"
        o.head(f"Projection (hidden layer): h = the {agg} of the C = {C} context rows")
        for i in ex.inputs:
            o.line(f"   W[{_label(words[i], 12)}]".ljust(19) + _vec(ex.W_in[i], WIDTH - 19))
        rows = ex.W_in[ex.inputs]
        check = rows.mean(axis=0) if ex.cbow_mean else rows.sum(axis=0)
        o.line("   h".ljust(19) + _vec(h, WIDTH - 19))
        o.wrap(
            f"h = (Σ of the rows){' / ' + str(C) if ex.cbow_mean else ''}; "
            f"largest difference from a fresh {agg}: {np.abs(check - h).max():.1e}. "
            "Word order inside the window is lost: that is the 'bag' in continuous "
            "bag-of-words. A word seen twice in the window counts twice."
        )

    # 5. output layer
    fw = ex.forward
    if ex.loss == "softmax":
        o.head("Output: scores s_w = W'[w]·h, softmax p(w|h) = exp(s_w) / Σ_v exp(s_v)")
        lw = min(max(len(w) for w in words), 12)
        o.line(f"   {'id':>3}  {'word'.ljust(lw)}{'score':>{_NUM}}{'p(w|h)':>{_NUM}}" + "   ∂L/∂s")
        dscore = np.asarray(fw["probs"]).copy()
        dscore[ex.target] -= 1.0
        for w in range(V):
            mark = o.c("  ◀ target", _GREEN) if w == ex.target else ""
            o.line(
                f"   {w:>3}  {_label(words[w], lw).ljust(lw)}{_f(fw['scores'][w])}"
                f"{_f(fw['probs'][w])}{_f(dscore[w])}{mark}"
            )
        o.line(f"   sum of p(w|h) = {float(np.sum(fw['probs'])):.12f}")
        o.wrap("∂L/∂s = p − onehot(target): every word's score is pushed, one V-way softmax.")
    elif ex.loss == "hs":
        code = "".join(str(c) for c in ex.codes)
        o.head(f'Output: walk the Huffman path of "{tgt}" (code {code}) from the root')
        o.line("   node  code   score u·h   σ(score)   P(branch)        ∂L/∂s")
        for r, c, s, sig in zip(fw["rows"], ex.codes, fw["scores"], fw["sigmoids"], strict=True):
            branch = f"σ      = {sig:.4f}" if c == 0 else f"1 − σ  = {1 - sig:.4f}"
            o.line(
                f"   {ex.out_labels[r]:<5} {c:>4}  {_f(s)}   {_f(sig)}   {branch:<15}"
                f"{_f(sig - (1 - c))}"
            )
        o.line(f"   p({tgt}|h) = product of P(branch) = {ex.p_target:.6f}")
        o.wrap(
            "Code bit 0 takes σ(u·h), bit 1 takes 1 − σ(u·h) = σ(−u·h) (word2vec.c's "
            "convention). Only the nodes on one path are computed: about log2(V) "
            "sigmoids instead of V exponentials. Every word's leaf probability "
            f"(they sum to {ex.distribution.sum():.12f}):"
        )
        _word_row(o, words, ex.distribution, ex.target)
    else:
        n_neg = len(ex.negatives)
        o.head(f"Output: the positive pair and {n_neg} noise words, each a binary classifier")
        lw = min(max(len(w) for w in words), 12)
        o.line(
            f"   {'word'.ljust(lw)} label{'score':>{_NUM}}{'σ(score)':>{_NUM}}"
            f"{'−log P':>{_NUM}}{'∂L/∂s':>{_NUM}}"
        )
        for r, lab, s, sig in zip(
            fw["rows"], fw["labels"], fw["scores"], fw["sigmoids"], strict=True
        ):
            nll = -np.log(sig) if lab > 0.5 else -np.log(1 - sig)
            mark = o.c("  ◀ target", _GREEN) if lab > 0.5 else ""
            o.line(
                f"   {_label(words[r], lw).ljust(lw)} {int(lab):>5}{_f(s)}{_f(sig)}"
                f"{_f(nll)}{_f(sig - lab)}{mark}"
            )
        o.wrap(
            "Label 1: 'this word is in the context', P = σ(score); label 0: 'noise', "
            "P = σ(−score). No distribution over V is formed: NS trains k + 1 logistic "
            "units (a different objective than the softmax, not an approximation of its "
            "probabilities)."
        )

    # 6. loss
    if ex.loss == "ns":
        o.head(f"Loss L = −log σ(u_{tgt}·h) − Σ_k log σ(−u_k·h) = {float(fw['loss']):.6f}")
    else:
        o.head(f"Loss L = −log p({tgt}|h) = {float(fw['loss']):.6f}")

    # 7. gradients
    o.head("Gradients (exact, float64; the tests check them by finite differences)")
    o.line(f"   ∂L/∂h = {_vec(np.asarray(fw['grad_v']), WIDTH - 11)}")
    gi, go = np.asarray(fw["grad_W_in"]), np.asarray(fw["grad_W_out"])
    if ex.arch == "cbow" and ex.cbow_mean:
        o.wrap(f"∂L/∂W[w] = (∂L/∂h) × (times w is in the window) / C, C = {len(ex.inputs)}:")
    else:
        o.wrap("∂L/∂W: only the input row is non-zero:" if ex.arch == "skipgram" else "∂L/∂W:")
    for i in sorted(set(ex.inputs)):
        o.line(f"   W[{_label(words[i], 12)}]".ljust(19) + _vec(gi[i], WIDTH - 19))
    nz = [r for r in range(go.shape[0]) if np.any(go[r] != 0)]
    o.wrap("∂L/∂W' = (∂L/∂s) · h for each computed row; the other rows are zero:")
    for r in nz:
        o.line(f"   W'[{_label(ex.out_labels[r], 12)}]".ljust(19) + _vec(go[r], WIDTH - 19))

    # 8. update
    o.head(f"One SGD step, lr = {ex.lr:g}, with the trainer's update rule")
    if ex.arch == "cbow":
        o.wrap(
            "Each context row gets the whole −lr·∂L/∂h, as word2vec.c and gensim do (the "
            "exact gradient of the mean is ∂L/∂h / C)."
        )
    if ex.loss == "ns":
        o.wrap(
            "Units are applied one after another (as the kernels do); a row drawn twice "
            "is updated twice."
        )
    for i in sorted(set(ex.inputs)):
        _before_after(o, f"W[{_label(words[i], 12)}]", ex.W_in[i], ex.W_in_new[i])
    changed = [r for r in range(ex.W_out.shape[0]) if np.any(ex.W_out_new[r] != ex.W_out[r])]
    for r in changed:
        _before_after(o, f"W'[{_label(ex.out_labels[r], 12)}]", ex.W_out[r], ex.W_out_new[r])
    after = ex.loss_of(ex.W_in_new, ex.W_out_new)
    o.line(f"   loss {float(fw['loss']):.6f} → {after:.6f} after the step")

    # 9. the window (skip-gram) / one example per centre (CBOW)
    if ex.arch == "skipgram":
        _window_section(o, ex)
    else:
        o.head("One example per centre word")
        o.wrap(
            "CBOW makes one training example per centre word: the C context words are "
            "averaged into one h, and one output layer predicts the centre. The "
            "trainer's radius is drawn uniformly in 1..window per centre; here the whole "
            "window is shown."
        )

    # 10. tree / noise
    if ex.loss == "hs":
        _tree_section(o, ex)
    if ex.loss == "ns":
        _noise_section(o, ex)

    # 11. steps
    if ex.steps:
        _steps_section(o, ex)

    # 12. the training walk
    if ex.walk:
        _walk_section(o, ex)
    return "\n".join(o.lines) + "\n"


def _word_row(o: _Out, words: list[str], values: np.ndarray, target: int) -> None:
    """``word value`` pairs, several per line."""
    cells = [f"{_label(w, 10)} {v:.4f}" for w, v in zip(words, values, strict=True)]
    cells[target] += "*"
    per = max(1, (WIDTH - 3) // 20)
    for k in range(0, len(cells), per):
        o.line("   " + "".join(c.ljust(20) for c in cells[k : k + per]))
    o.line(f"   (* the target, {words[target]})")


def _before_after(o: _Out, name: str, before: np.ndarray, after: np.ndarray) -> None:
    o.line(f"   {name}".ljust(19) + "before " + _vec(before, WIDTH - 26))
    o.line(" " * 19 + "after  " + _vec(after, WIDTH - 26))


def _window_section(o: _Out, ex: Explanation) -> None:
    words, V = ex.words, ex.V
    ctx = [ex.sentence[p] for p in ex.context_pos]
    C = len(ctx)
    o.head(f'The window: C = {C} context words of "{ex.center}", C output layers?')
    o.wrap(
        "Diagrams draw skip-gram with C output layers, one per window position. Each is "
        f"fed the same h = W[{ex.center}] through the same W', so they are one and the "
        "same distribution:"
    )
    D = ex.window_distributions
    assert D is not None
    what = "p(w|h)" if ex.loss != "ns" else "σ(u_w·h)"
    lw = min(max(len(w) for w in ctx), 10)
    fit = (WIDTH - 3 - 5 - lw - 2) // _NUM
    if V <= fit:
        o.line(
            f"   {'pos':>4} {'word'.ljust(lw)} " + "".join(_label(w, 8).rjust(_NUM) for w in words)
        )
        for p, w, row in zip(ex.context_pos, ctx, D, strict=True):
            o.line(
                f"   {p - ex.center_pos:>+4} {_label(w, lw).ljust(lw)} "
                + "".join(_f(x) for x in row)
            )
    else:
        o.line(f"   {'pos':>4} {'word'.ljust(lw)} {what + ' of that word':>20}")
        for p, w, row in zip(ex.context_pos, ctx, D, strict=True):
            o.line(
                f"   {p - ex.center_pos:>+4} {_label(w, lw).ljust(lw)} "
                f"{row[ex.words.index(w)]:>20.4f}"
            )
    spread = float(np.abs(D - D[0]).max())
    o.line(f"   rows identical: {'yes' if spread == 0 else 'no'} (largest difference {spread:g})")
    if ex.loss == "ns":
        o.wrap(
            "With NS the rows are the same C binary classifiers σ(u_w·h); each pair draws "
            "its own noise words. Training is one (centre, context) pair at a time."
        )
    else:
        terms = " + ".join(f"{x:.4f}" for x in ex.window_losses)
        total = sum(ex.window_losses)
        o.wrap(
            f"The window's loss is Σ_c −log p(c|h) = {terms} = {total:.4f}: a sum of C "
            "independent pair losses, so its gradient is the sum of the pairs' gradients "
            "and training is one (centre, context) pair at a time, one softmax per pair."
        )


def _tree_section(o: _Out, ex: Explanation) -> None:
    tree = ex.tree
    assert tree is not None
    V, words = ex.V, ex.words
    o.head("The Huffman tree of the counts (built as word2vec.c builds it)")
    o.wrap(
        "Repeatedly merge the two least frequent nodes; the merged node with the larger "
        "count gets bit 1. Frequent words get short codes. Inner node nJ is row J of W'; "
        "P(bit 0) = σ(u_nJ·h) at each node, shown for the current h:"
    )
    children: dict[int, dict[int, tuple[str, int]]] = {}
    for w in range(V):
        pts, cds = tree.path(w)
        for d, (p, c) in enumerate(zip(pts, cds, strict=True)):
            child = ("inner", int(pts[d + 1])) if d + 1 < len(pts) else ("leaf", w)
            children.setdefault(int(p), {})[int(c)] = child
    leaves_under: dict[int, int] = {}

    def count(node: tuple[str, int]) -> int:
        kind, i = node
        if kind == "leaf":
            return int(ex.counts[i])
        if i not in leaves_under:
            leaves_under[i] = sum(count(ch) for ch in children[i].values())
        return leaves_under[i]

    root = V - 2
    h = ex.h

    def name(node: tuple[str, int]) -> str:
        kind, i = node
        if kind == "leaf":
            code = "".join(str(c) for c in tree.path(i)[1])
            text = f"{_label(words[i], 14)} (count {int(ex.counts[i])})  code {code}"
            return text + ("  ◀ target" if i == ex.target else "")
        p0 = float(_sigmoid(float(ex.W_out[i] @ h)))
        return f"n{i} (count {count(node)})  P(0) = {p0:.4f}"

    def draw(node: tuple[str, int], prefix: str, lines: list[str]) -> None:
        kind, i = node
        if kind == "leaf":
            return
        for bit in (0, 1):
            ch = children[i][bit]
            last = bit == 1
            lines.append(f"{prefix}{'└' if last else '├'}─{bit}─ {name(ch)}")
            draw(ch, prefix + ("     " if last else "│    "), lines)

    lines = [name(("inner", root))]
    draw(("inner", root), "", lines)
    for text in lines:
        if len(text) + 3 > WIDTH:
            text = text[: WIDTH - 4] + "…"
        o.line("   " + text)


def _sigmoid(x: float) -> float:
    """σ from the float64 reference."""
    from .reference import sigmoid

    return float(sigmoid(x))


def _noise_section(o: _Out, ex: Explanation) -> None:
    assert ex.noise is not None
    words, counts = ex.words, ex.counts
    a = ex.ns_exponent
    o.head(f"The noise distribution P_n(w) ∝ count(w)^{a:g}")
    lw = min(max(len(w) for w in words), 12)
    o.line(f"   {'word'.ljust(lw)}  count  unigram  count^{a:g}      P_n")
    uni = counts / counts.sum()
    for w in range(ex.V):
        o.line(
            f"   {_label(words[w], lw).ljust(lw)}  {int(counts[w]):>5}  {uni[w]:7.4f}"
            f"  {counts[w] ** a:9.4f}  {ex.noise[w]:7.4f}"
        )
    o.wrap(
        f"Why the power {a:g}: Mikolov et al. (2013b) found the unigram distribution raised "
        "to 3/4 beat both the plain unigram and the uniform distribution. It lies between "
        "them: frequent words are drawn less often than their share, rare words more often, "
        "so the classifier also learns to reject rare words."
    )
    neg = ", ".join(words[k] for k in ex.negatives) or "(none)"
    o.wrap(
        f"Drawn for this example with the trainer's alias-table sampler (seed {ex.seed}): "
        f"{neg}. {ex.negative} draws; a draw equal to the target is skipped, not redrawn, "
        "as in word2vec.c."
    )


def _steps_section(o: _Out, ex: Explanation) -> None:
    n = len(ex.steps) - 1
    tgt = ex.words[ex.target]
    what = f"p({tgt}|h)" if ex.loss != "ns" else f"σ(u_{tgt}·h)"
    o.head(f"Training: the same example, {n} SGD steps, lr = {ex.lr:g}")
    o.line(f"   {'step':>5}  {'loss':>10}  {what:>16}")
    stride = max(1, n // 20)
    for s in ex.steps:
        t = int(s["step"])
        if t % stride == 0 or t == n:
            o.line(f"   {t:>5}  {s['loss']:10.6f}  {s['p_target']:16.6f}")
    first, last = ex.steps[0], ex.steps[-1]
    o.wrap(
        f"The loss fell from {first['loss']:.4f} to {last['loss']:.4f} and {what} rose "
        f"from {first['p_target']:.4f} to {last['p_target']:.4f}."
    )


def _walk_section(o: _Out, ex: Explanation) -> None:
    walk = ex.walk
    assert walk is not None
    steps = walk["steps"]
    n = len(steps)
    o.head(
        f"Training walk: {walk['epochs']} epoch(s) of {walk['examples_per_epoch']} examples, "
        f"lr = {ex.lr:g}"
    )
    how = (
        "each context word's row predicts the centre word"
        if ex.arch == "skipgram"
        else f"the {'mean' if ex.cbow_mean else 'sum'} of the context rows predicts the centre"
    )
    o.wrap(
        f"Every example of the text in the trainer's order (word2vec.c's: {how}), from the "
        "W and W' of section 3; no subsampling, the whole window, a constant lr. "
        "--html FILE steps through it showing every number."
    )
    what = "p(target)" if ex.loss != "ns" else "σ(u_t·h)"
    head = f"   {'step':>5} {'epoch':>5}  {'input → target'.ljust(26)}"
    o.line(head + f"{'loss':>10}{what:>11}{'after':>10}")
    stride = max(1, n // 20)
    for s in steps:
        t = int(s["step"])
        if (t - 1) % stride and t != n:
            continue
        pair = " ".join(ex.words[i] for i in s["inputs"]) + " → " + ex.words[s["target"]]
        o.line(
            f"   {t:>5} {s['epoch']:>5}  {_label(pair, 26).ljust(26)}{s['loss']:10.6f}"
            f"{s['p_target']:11.6f}{s['loss_after']:10.6f}"
        )
    means = ", ".join(f"{x:.6f}" for x in walk["epoch_loss"])
    o.wrap(f"Mean loss per epoch: {means}.")
