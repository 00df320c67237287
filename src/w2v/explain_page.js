// w2v explain --html: steps through the training walk in window.W2V_DATA (the JSON of
// `w2v explain --format json`). Every number shown is a number of that JSON, formatted
// exactly as Python formats it (fmt below); the page computes nothing it prints, except
// 1 − σ, σ − label and p − 1, the same IEEE operations the text output does.
"use strict";
(function () {
  const D = window.W2V_DATA;
  const WALK = D.walk;
  const S = WALK.steps;
  const M = S.length;
  const words = D.vocab.words;
  const V = words.length;
  const dim = D.dim;
  const outLabels = D.W_out_rows;
  const SG = D.arch === "skipgram";
  const LOSS = D.loss;
  const SHOW_CELLS = dim <= 8; // wider matrices are drawn as colours only (values in tooltips)
  const FULL_ONE_HOT = V <= 20; // longer one-hot vectors are written as "x[i] = 1"
  const STACK_UPDATES = dim > 4; // long rows: "before" above "after"

  // -- Python's f"{x:.{d}f}" (round half to even on the exact binary value), zero unsigned
  function fmt(x, d) {
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    const a = Math.abs(x);
    if (a >= 1e21) return x.toFixed(d);
    const s = a.toFixed(100); // the exact decimal expansion of a double of this size
    const dot = s.indexOf(".");
    const ip = s.slice(0, dot);
    const fp = s.slice(dot + 1);
    const keep = ip + fp.slice(0, d);
    const rest = fp.slice(d);
    let up = rest[0] > "5";
    if (rest[0] === "5") up = /[1-9]/.test(rest.slice(1)) || Number(keep[keep.length - 1]) % 2 === 1;
    let n = BigInt(keep);
    if (up) n += 1n;
    const digits = n.toString().padStart(d + 1, "0");
    const out = d > 0 ? digits.slice(0, digits.length - d) + "." + digits.slice(digits.length - d) : digits;
    return (x < 0 && /[1-9]/.test(out) ? "-" : "") + out;
  }
  window.w2vFormat = fmt; // for the browser test

  // -- small DOM helpers
  function h(tag, attrs, ...kids) {
    const e = document.createElementNS(
      tag.startsWith("svg:") ? "http://www.w3.org/2000/svg" : "http://www.w3.org/1999/xhtml",
      tag.replace("svg:", "")
    );
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const kid of kids.flat(3)) {
      if (kid === null || kid === undefined || kid === false) continue;
      e.append(kid instanceof Node ? kid : String(kid));
    }
    return e;
  }
  const num = (x, d, key, cls) => h("span", { class: "num" + (cls ? " " + cls : ""), "data-k": key, text: fmt(x, d) });
  const q = (w) => "\u201c" + w + "\u201d";
  const card = (n, title, ...body) => h("div", { class: "card" }, h("h2", {}, n ? h("span", { class: "n", text: n }) : null, title), ...body);
  const cap = (...t) => h("div", { class: "cap" }, ...t);
  const ARCH = { skipgram: "skip-gram", cbow: "CBOW" }[D.arch];
  const LOSSNAME = { softmax: "full softmax", hs: "hierarchical softmax", ns: "negative sampling" }[LOSS];

  // -- the matrices before every step, rebuilt by copying the rows each step wrote
  const Win = [D.W_in];
  const Wout = [D.W_out];
  for (const st of S) {
    const a = Win[Win.length - 1].slice();
    st.W_in_after.rows.forEach((r, k) => { a[r] = st.W_in_after.values[k]; });
    Win.push(a);
    const b = Wout[Wout.length - 1].slice();
    st.W_out_after.rows.forEach((r, k) => { b[r] = st.W_out_after.values[k]; });
    Wout.push(b);
  }
  const maxAbs = (mats) => Math.max(1e-12, ...mats.map((m) => Math.max(...m.map((r) => Math.max(...r.map(Math.abs))))));
  const scaleIn = maxAbs(Win);
  const scaleOut = maxAbs(Wout);

  function colour(v, scale) {
    const a = Math.min(1, Math.abs(v) / scale) * 0.85;
    const c = v >= 0 ? "42,157,143" : "230,57,70";
    return `background: rgba(${c},${a.toFixed(3)}); color: ${a > 0.5 ? "#fff" : "#222"}`;
  }

  // -- pieces
  function heat(Mx, labels, scale, key, marks, prevMx, written) {
    const head = h("tr", {}, h("th", { class: "lab" }), [...Array(dim).keys()].map((j) => h("th", { text: "d" + j })), h("th"));
    const rows = Mx.map((row, i) => {
      const m = marks[i];
      const cells = row.map((v, j) => {
        const changed = prevMx && prevMx[i][j] !== v;
        const td = h("td", { class: "v" + (changed ? " changed" : ""), style: colour(v, scale), title: labels[i] + " d" + j + " = " + v });
        if (SHOW_CELLS) td.append(num(v, 4, `${key}.${i}.${j}`));
        return td;
      });
      return h("tr", { class: m ? "read" : "", style: m ? `--c: ${m[1]}` : null },
        h("td", { class: "lab", text: labels[i] }), cells,
        h("td", { class: "mark", text: (m ? m[0] : "") + (written.has(i) ? " \u270e" : "") }));
    });
    return h("table", { class: "heat" }, head, rows);
  }

  function vector(v, key, scale) {
    return h("table", { class: "vec" }, h("tr", {}, v.map((x, j) => h("td", { style: colour(x, scale) }, num(x, 4, `${key}.${j}`)))));
  }

  function vrow(v, key) {
    return h("span", {}, "[ ", v.map((x, j) => [num(x, 4, `${key}.${j}`), j < v.length - 1 ? "  " : ""]), " ]");
  }

  // -- the sentence strip
  function story(t) {
    const st = S[t];
    const el = document.getElementById("story");
    el.replaceChildren();
    const box = h("div", { class: "card" });
    WALK.sentences.forEach((toks, s) => {
      const line = h("div", { class: "sent" });
      toks.forEach((w, p) => {
        let cls = "tok";
        let tag = "";
        if (s === st.sentence) {
          if (st.context_positions.includes(p) || (SG && windowPositions(st).includes(p))) cls += " win";
          if (st.context_positions.includes(p)) { cls += " input"; tag = p - st.center_position > 0 ? "+" + (p - st.center_position) : String(p - st.center_position); }
          if (p === st.center_position) { cls += " centre target"; tag = "centre"; }
        }
        line.append(h("span", { class: cls }, w, tag ? h("small", { text: tag }) : null));
      });
      box.append(line);
    });
    const tgt = words[st.target];
    let what;
    if (SG) {
      const w0 = windowStart(t);
      const C = windowPositions(st).length;
      what = [`the context word ${q(words[st.inputs[0]])} predicts the centre word ${q(tgt)}`,
        h("span", { class: "cap" }, ` (pair ${t - w0 + 1} of ${C} in the window of ${q(tgt)})`)];
    } else {
      const agg = D.cbow_mean ? "mean" : "sum";
      what = `the ${agg} of the context words ${st.inputs.map((i) => words[i]).join(", ")} predicts the centre word ${q(tgt)}`;
    }
    box.append(h("div", { id: "caption" }, h("b", { text: `Example ${t + 1} of ${M}` }), ` (epoch ${st.epoch} of ${WALK.epochs}): `, what));
    box.append(h("div", { class: "legend" },
      h("span", {}, h("i", { style: "background: var(--in)" }), SG ? "input word: its row of W is h" : "input words: their rows of W are averaged"),
      h("span", {}, h("i", { style: "background: var(--pos)" }), "target: the word to predict"),
      h("span", {}, h("i", { style: "background: #dde7f3" }), `the window (radius ${D.window})`),
      h("span", { text: `Order: ${WALK.order}.` })));
    el.append(box);
  }

  function windowPositions(st) {
    const toks = WALK.sentences[st.sentence];
    const out = [];
    for (let p = st.center_position - D.window; p <= st.center_position + D.window; p++) {
      if (p !== st.center_position && p >= 0 && p < toks.length) out.push(p);
    }
    return out;
  }
  function windowStart(t) {
    let u = t;
    while (!S[u].window) u--;
    return u;
  }

  // -- the network, left to right
  function network(t, prevT) {
    const st = S[t];
    const Wi = Win[t];
    const Wo = Wout[t];
    const prevWi = prevT === null ? null : Win[prevT];
    const prevWo = prevT === null ? null : Wout[prevT];
    const tgt = words[st.target];
    // 1. input
    let input;
    const compact = (i, key) => h("div", { class: "num" }, `x[${i}] = `, h("b", { "data-k": key, text: "1" }), `, the other ${V - 1} entries 0`);
    if (!FULL_ONE_HOT) {
      const rows = st.inputs.map((i, c) => h("tr", {}, h("td", { class: "lab", text: SG ? words[i] : `${st.context_positions[c] - st.center_position > 0 ? "+" : ""}${st.context_positions[c] - st.center_position} ${words[i]}` }),
        h("td", { class: "lab" }, compact(i, SG ? `x.${i}` : `x.${c}.${i}`))));
      input = card("1", SG ? "Input: one-hot x" : `Input: C = ${st.inputs.length} one-hots`, h("table", {}, rows),
        cap(`each of length V = ${V}`));
    } else if (SG) {
      const i = st.inputs[0];
      input = card("1", "Input: one-hot x",
        h("table", { class: "onehot" }, words.map((w, k) => h("tr", {}, h("td", { class: "lab", style: "border: none; text-align: right", text: w }),
          h("td", { class: k === i ? "one" : "", "data-k": `x.${k}`, text: k === i ? "1" : "0" })))),
        cap(`length V = ${V}: a 1 at ${q(words[i])}`));
    } else {
      const head = h("tr", {}, h("th"), words.map((w) => h("th", { text: w })));
      const rows = st.context_positions.map((p, c) => {
        const i = st.inputs[c];
        const off = p - st.center_position;
        return h("tr", {}, h("td", { class: "lab", style: "border: none", text: `${off > 0 ? "+" : ""}${off} ${words[i]}` }),
          words.map((w, k) => h("td", { class: k === i ? "one" : "", "data-k": `x.${c}.${k}`, text: k === i ? "1" : "0" })));
      });
      input = card("1", `Input: C = ${st.inputs.length} one-hots`, h("table", { class: "onehot" }, head, rows),
        cap("one per context word; a word twice in the window counts twice"));
    }

    // 2. W
    const marksIn = {};
    for (const i of st.inputs) marksIn[i] = ["\u25c0 read", "var(--in)"];
    const wCard = card("2", "W: input vectors", heat(Wi, words, scaleIn, "W", marksIn, prevWi, new Set(st.W_in_after.rows)),
      cap(`V \u00d7 dim = ${V} \u00d7 ${dim}. `, SG ? `x picks one row: x\u1d40W = W[${words[st.inputs[0]]}]. \u270e: the update writes it (8). These rows are the word vectors.` : "The context words' rows are read, and written (\u270e) by the update (8). These rows are the word vectors."));

    // 3. h
    const agg = D.cbow_mean ? "mean" : "sum";
    const hCard = card("3", "h: projection", vector(st.projection, "h", scaleIn),
      cap(SG ? `h = W[${words[st.inputs[0]]}]: a row lookup, no activation function` :
        `h = the ${agg} of the ${st.inputs.length} context rows (word order is lost: the \u201cbag\u201d)`));

    // 4. W'
    const marksOut = {};
    let outCap;
    if (LOSS === "softmax") {
      marksOut[st.target] = ["\u25c0 target", "var(--pos)"];
      outCap = "one row per word; every row is used (score s_w = W'[w]\u00b7h) and written (\u270e)";
    } else if (LOSS === "hs") {
      st.rows.forEach((r) => { marksOut[r] = ["\u25c0 path", "var(--out)"]; });
      outCap = `one row per inner node of the Huffman tree (V \u2212 1 = ${V - 1}); only the ${st.rows.length} nodes on ${q(tgt)}'s path are used and written (\u270e)`;
    } else {
      st.rows.forEach((r, u) => { if (!marksOut[r]) marksOut[r] = u === 0 ? ["\u25c0 target", "var(--pos)"] : ["\u25c0 noise", "var(--neg)"]; });
      outCap = `one row per word; only the target's and the noise words' rows are used and written (\u270e)`;
    }
    const woCard = card("4", "W': output vectors", heat(Wo, outLabels, scaleOut, "Wo", marksOut, prevWo, new Set(st.W_out_after.rows)), cap(outCap));

    // 5. output layer
    let outCard;
    if (LOSS === "softmax") {
      const rows = words.map((w, k) => {
        const ds = k === st.target ? st.probs[k] - 1.0 : st.probs[k];
        return h("tr", { class: k === st.target ? "hl" : "" }, h("td", { class: "lab", text: w + (k === st.target ? " \u25c0 target" : "") }),
          h("td", {}, num(st.scores[k], 4, `s.${k}`)), h("td", {}, num(st.probs[k], 4, `p.${k}`)),
          h("td", { class: "lab" }, h("span", { class: "bar" + (k === st.target ? " t" : ""), style: `width: ${Math.round(st.probs[k] * 90)}px` })),
          h("td", {}, num(ds, 4, `ds.${k}`)));
      });
      outCard = card("5", "Output: softmax over V",
        h("table", {}, h("tr", {}, h("th", { class: "lab", text: "word" }), h("th", { text: "score s" }), h("th", { text: "p(w|h)" }), h("th"), h("th", { text: "\u2202L/\u2202s" })), rows),
        cap("p(w|h) = exp(s_w) / \u03a3_v exp(s_v) sums to 1. \u2202L/\u2202s = p \u2212 onehot(target): every word's score is pushed."));
    } else if (LOSS === "hs") {
      const rows = st.rows.map((r, u) => {
        const c = st.codes[u];
        const sig = st.sigmoids[u];
        const br = c === 0 ? sig : 1 - sig;
        return h("tr", {}, h("td", { class: "lab", text: outLabels[r] }), h("td", { text: String(c) }),
          h("td", {}, num(st.scores[u], 4, `u.${u}.s`)), h("td", {}, num(sig, 4, `u.${u}.sig`)),
          h("td", {}, num(br, 4, `u.${u}.branch`)),
          h("td", {}, num(sig - (1 - c), 4, `u.${u}.ds`)));
      });
      outCard = card("5", `Output: path of ${q(tgt)}`,
        h("table", {}, h("tr", {}, ["node", "code", "score u\u00b7h", "\u03c3(score)", "P(branch)", "\u2202L/\u2202s"].map((x, k) => h("th", { class: k ? "" : "lab", text: x }))), rows),
        h("div", { style: "margin-top: 6px" }, `p(${tgt}|h) = product of P(branch) = `, num(st.p_target, 6, "p_target", "big")),
        cap("P(branch) is \u03c3(u\u00b7h) for code bit 0 and 1 \u2212 \u03c3(u\u00b7h) for bit 1: about log\u2082V sigmoids instead of V exponentials. The tree is drawn below."));
    } else {
      const rows = st.rows.map((r, u) => {
        const lab = st.labels[u];
        return h("tr", { class: lab > 0.5 ? "hl" : "neg" }, h("td", { class: "lab", text: words[r] + (lab > 0.5 ? " \u25c0 target" : " (noise)") }),
          h("td", { text: String(lab) }), h("td", {}, num(st.scores[u], 4, `u.${u}.s`)), h("td", {}, num(st.sigmoids[u], 4, `u.${u}.sig`)),
          h("td", {}, num(st.sigmoids[u] - lab, 4, `u.${u}.ds`)));
      });
      outCard = card("5", `Output: 1 + ${st.negatives.length} sigmoids`,
        h("table", {}, h("tr", {}, ["word", "label", "score", "\u03c3(score)", "\u2202L/\u2202s"].map((x, k) => h("th", { class: k ? "" : "lab", text: x }))), rows),
        cap("Each row is a yes/no classifier: label 1 = \u201creally in the context\u201d, P = \u03c3(score); label 0 = noise, P = \u03c3(\u2212score). No distribution over V is formed."));
    }

    // 6. loss
    const lossText = LOSS === "ns" ? `L = \u2212log \u03c3(u_${tgt}\u00b7h) \u2212 \u03a3_k log \u03c3(\u2212u_k\u00b7h)` : `L = \u2212log p(${tgt}|h)`;
    const pName = LOSS === "ns" ? `\u03c3(u_${tgt}\u00b7h)` : `p(${tgt}|h)`;
    const lossCard = card("6", "Loss", h("div", {}, lossText), h("div", { class: "big" }, "L = ", num(st.loss, 6, "loss")),
      h("div", {}, `${pName} = `, LOSS === "hs" ? h("span", { class: "num", text: fmt(st.p_target, 6) }) : num(st.p_target, 6, "p_target")),
      h("div", { style: "margin-top: 8px" }, "after this example's update: L = ", num(st.loss_after, 6, "loss_after")),
      cap("the same example scored again with the updated W and W' (section 8)"));

    const arrow = () => h("div", { class: "arrow", text: "\u2192" });
    return [input, arrow(), wCard, arrow(), hCard, arrow(), woCard, arrow(), outCard, lossCard];
  }

  // -- gradients and the update
  function learning(t) {
    const st = S[t];
    const gIn = st.grad_W_in.rows.map((r, k) => h("tr", {}, h("td", { class: "lab", text: `\u2202L/\u2202W[${words[r]}]` }), h("td", {}, vrow(st.grad_W_in.values[k], `gW.${r}`))));
    const gOut = st.grad_W_out.rows.map((r, k) => h("tr", {}, h("td", { class: "lab", text: `\u2202L/\u2202W'[${outLabels[r]}]` }), h("td", {}, vrow(st.grad_W_out.values[k], `gWo.${r}`))));
    const meanNote = !SG && D.cbow_mean ? `\u2202L/\u2202W[w] = \u2202L/\u2202h \u00d7 (times w is in the window) / C, C = ${st.inputs.length}. ` : "";
    const grad = card("7", "Gradients (exact)",
      h("table", { class: "ba" }, h("tr", {}, h("td", { class: "lab", text: "\u2202L/\u2202h" }), h("td", {}, vrow(st.grad_projection, "gh"))), gIn, gOut),
      cap(meanNote + "Only these rows have a non-zero gradient; every other row of W and W' is untouched by this example."));
    const before = Win[t];
    const beforeO = Wout[t];
    const ba = (name, b, a, key) => STACK_UPDATES
      ? [h("tr", {}, h("td", { class: "lab", text: name }), h("td", { class: "lab", text: "before" }), h("td", { class: "lab" }, vrow(b, key + ".b"))),
        h("tr", {}, h("td"), h("td", { class: "lab", text: "after" }), h("td", { class: "lab" }, vrow(a, key + ".a")))]
      : h("tr", {}, h("td", { class: "lab", text: name }), h("td", {}, vrow(b, key + ".b")), h("td", { class: "arrow2", text: "\u2192" }), h("td", {}, vrow(a, key + ".a")));
    const uIn = st.W_in_after.rows.map((r, k) => ba(`W[${words[r]}]`, before[r], st.W_in_after.values[k], `upW.${r}`));
    const uOut = st.W_out_after.rows.map((r, k) => ba(`W'[${outLabels[r]}]`, beforeO[r], st.W_out_after.values[k], `upWo.${r}`));
    let rule = "row \u2190 row \u2212 lr \u00b7 \u2202L/\u2202row.";
    if (!SG) rule = "each context row gets the whole \u2212lr\u00b7\u2202L/\u2202h (word2vec.c's rule; the exact gradient of the mean would be \u2202L/\u2202h / C).";
    if (LOSS !== "softmax") rule += " The output units are applied one after another, as the kernels do.";
    const upd = card("8", "Update: one SGD step, lr = " + D.walk.lr, h("table", { class: "ba" }, STACK_UPDATES ? null : h("tr", {}, h("th", { class: "lab" }), h("th", { text: "before" }), h("th"), h("th", { text: "after" })), uIn, uOut),
      cap(rule + " The learning rate is constant here; the trainer lowers it linearly to near 0."));
    return [grad, upd];
  }

  // -- the map of W and the loss curve
  const mapAxes = WALK.map.axes;
  const mapMean = WALK.map.mean;
  const project = (r) => mapAxes.map((ax) => ax.reduce((s, a, j) => s + a * (r[j] - mapMean[j]), 0));
  const P = Win.map((Mx) => Mx.map(project)); // (M + 1, V, 2)
  const bounds = (() => {
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const Mx of P) for (const [x, y] of Mx) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    const px = (x1 - x0) * 0.12 || 0.1;
    const py = (y1 - y0) * 0.12 || 0.1;
    return [x0 - px, x1 + px, y0 - py, y1 + py];
  })();

  function mapView(t) {
    const Wd = 430, Ht = 330, L = 30, R = 12, T = 10, B = 28;
    const [x0, x1, y0, y1] = bounds;
    const X = (x) => L + ((x - x0) / (x1 - x0)) * (Wd - L - R);
    const Y = (y) => T + (1 - (y - y0) / (y1 - y0)) * (Ht - T - B);
    const svg = h("svg:svg", { width: Wd, height: Ht, viewBox: `0 0 ${Wd} ${Ht}`, id: "map" });
    svg.append(h("svg:rect", { x: L, y: T, width: Wd - L - R, height: Ht - T - B, fill: "#fbfbfb", stroke: "#ddd" }));
    if (x0 < 0 && x1 > 0) svg.append(h("svg:line", { class: "axis", x1: X(0), x2: X(0), y1: T, y2: Ht - B }));
    if (y0 < 0 && y1 > 0) svg.append(h("svg:line", { class: "axis", x1: L, x2: Wd - R, y1: Y(0), y2: Y(0) }));
    const pca = WALK.map.method === "pca";
    const names = pca ? ["PC1", "PC2"] : ["d0", "d1"];
    svg.append(h("svg:text", { x: Wd - R, y: Ht - 8, "text-anchor": "end", text: names[0] + " \u2192" }));
    svg.append(h("svg:text", { x: 4, y: T + 12, text: names[1] + " \u2191" }));
    const st = S[t];
    const reads = new Set(st.inputs);
    for (let w = 0; w < V; w++) { // trails: where each word has been so far
      const pts = P.slice(0, t + 1).map((Mx) => `${X(Mx[w][0]).toFixed(1)},${Y(Mx[w][1]).toFixed(1)}`).join(" ");
      svg.append(h("svg:polyline", { points: pts, fill: "none", stroke: reads.has(w) ? "#f4a25999" : "#3d5a8033", "stroke-width": 1.5 }));
    }
    svg.append(h("svg:defs", {}, h("svg:marker", { id: "ah", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" },
      h("svg:path", { d: "M0,0 L10,5 L0,10 z", fill: "#c0392b" }))));
    for (let w = 0; w < V; w++) {
      const [x, y] = P[t][w];
      if (reads.has(w)) {
        const [ax, ay] = P[t + 1][w];
        svg.append(h("svg:line", { x1: X(x), y1: Y(y), x2: X(ax), y2: Y(ay), stroke: "#c0392b", "stroke-width": 2, "marker-end": "url(#ah)" }));
      }
      svg.append(h("svg:circle", { cx: X(x), cy: Y(y), r: 6, fill: reads.has(w) ? "#f4a259" : "#3d5a80", stroke: "#333", "stroke-width": 0.8 }));
      svg.append(h("svg:text", { x: X(x) + 9, y: Y(y) + 4, text: words[w], "font-weight": reads.has(w) ? 700 : 400 }));
    }
    const how = pca
      ? `PCA of W with fixed axes (fitted once on every state of the walk; PC1 and PC2 hold ${Math.round(100 * WALK.map.explained[0])}% and ${Math.round(100 * WALK.map.explained[1])}% of the variance).`
      : dim === 2 ? "dim is 2, so each row of W is drawn as it is: d0 across, d1 up." : "dim is 1: d0 across.";
    return card("9", "The word vectors (rows of W) moving", svg,
      cap(how + " Orange: the row this example reads; the red arrow shows where its update moves it. Lines: the path so far."));
  }

  function curve(t) {
    const Wd = 430, Ht = 250, L = 44, R = 12, T = 10, B = 34;
    const losses = S.map((s) => s.loss);
    const lo = 0;
    const hi = Math.max(...losses.filter(Number.isFinite), 1e-9) * 1.05;
    const X = (i) => L + (M === 1 ? 0.5 : i / (M - 1)) * (Wd - L - R);
    const Y = (v) => T + (1 - (Math.min(v, hi) - lo) / (hi - lo)) * (Ht - T - B);
    const svg = h("svg:svg", { width: Wd, height: Ht, viewBox: `0 0 ${Wd} ${Ht}`, id: "curve" });
    svg.append(h("svg:rect", { x: L, y: T, width: Wd - L - R, height: Ht - T - B, fill: "#fbfbfb", stroke: "#ddd" }));
    for (let k = 0; k <= 4; k++) {
      const v = lo + ((hi - lo) * k) / 4;
      svg.append(h("svg:line", { class: "axis", x1: L, x2: Wd - R, y1: Y(v), y2: Y(v), "stroke-dasharray": "2,3" }));
      svg.append(h("svg:text", { x: L - 4, y: Y(v) + 4, "text-anchor": "end", text: v.toFixed(2) }));
    }
    const per = WALK.examples_per_epoch;
    for (let e = 1; e < WALK.epochs; e++) svg.append(h("svg:line", { x1: X(e * per - 0.5), x2: X(e * per - 0.5), y1: T, y2: Ht - B, stroke: "#eee" }));
    for (let i = 0; i <= t; i++) svg.append(h("svg:circle", { cx: X(i), cy: Y(losses[i]), r: i === t ? 5 : 2, fill: i === t ? "#e63946" : "#999" }));
    const done = Math.floor((t + 1) / per);
    if (done > 0) {
      const pts = WALK.epoch_loss.slice(0, done).map((v, e) => `${X(e * per + (per - 1) / 2).toFixed(1)},${Y(v).toFixed(1)}`).join(" ");
      svg.append(h("svg:polyline", { points: pts, fill: "none", stroke: "#e63946", "stroke-width": 2.2 }));
      for (let e = 0; e < done; e++) svg.append(h("svg:circle", { cx: X(e * per + (per - 1) / 2), cy: Y(WALK.epoch_loss[e]), r: 3.5, fill: "#e63946" }));
    }
    svg.append(h("svg:text", { x: L, y: Ht - B + 14, "text-anchor": "middle", text: "1" }));
    svg.append(h("svg:text", { x: Wd - R, y: Ht - B + 14, "text-anchor": "end", text: String(M) }));
    svg.append(h("svg:text", { x: (L + Wd - R) / 2, y: Ht - 4, "text-anchor": "middle", text: "example; faint lines separate the epochs" }));
    const last = done > 0 ? [" Mean loss of epoch ", String(done), ": ", num(WALK.epoch_loss[done - 1], 6, "epoch_loss"), "."] : [];
    return card("10", "The loss so far", svg,
      cap("Grey dots: each example's loss before its update (different examples, so it jumps). Red line: the mean over each finished epoch.", ...last));
  }

  // -- skip-gram: C output layers or one W'?
  function windowView(t) {
    const w0 = windowStart(t);
    const wv = S[w0].window;
    const C = wv.positions.length;
    const centre = words[wv.center];
    const st0 = S[w0];
    const what = LOSS === "ns" ? "\u03c3(u_w\u00b7h)" : "p(w|h)";
    // the picture: one h, one shared W', C output layers
    const Wd = 500, rowH = 34, Ht = Math.max(150, C * rowH + 40);
    const svg = h("svg:svg", { width: Wd, height: Ht, viewBox: `0 0 ${Wd} ${Ht}` });
    const cy = Ht / 2;
    svg.append(h("svg:circle", { cx: 40, cy, r: 22, fill: "#5b8e7d" }));
    svg.append(h("svg:text", { x: 40, y: cy + 4, "text-anchor": "middle", fill: "#fff", text: "h", style: "fill: #fff; font-weight: 700" }));
    svg.append(h("svg:text", { x: 40, y: cy + 40, "text-anchor": "middle", text: `W[${centre}]` }));
    svg.append(h("svg:rect", { x: 110, y: cy - 34, width: 92, height: 68, rx: 6, fill: "#3d5a80" }));
    svg.append(h("svg:text", { x: 156, y: cy - 4, "text-anchor": "middle", style: "fill: #fff; font-weight: 700", text: "W'" }));
    svg.append(h("svg:text", { x: 156, y: cy + 14, "text-anchor": "middle", style: "fill: #fff", text: "one matrix" }));
    svg.append(h("svg:line", { x1: 62, y1: cy, x2: 110, y2: cy, stroke: "#555", "stroke-width": 2 }));
    wv.positions.forEach((p, c) => {
      const y = 20 + c * rowH + (Ht - 40 - C * rowH) / 2 + rowH / 2;
      const off = p - st0.center_position;
      svg.append(h("svg:line", { x1: 202, y1: cy, x2: 290, y2: y, stroke: "#3d5a80", "stroke-width": 1.5 }));
      svg.append(h("svg:rect", { x: 290, y: y - 12, width: 202, height: 24, rx: 4, fill: "#d6e4f0", stroke: "#3d5a80" }));
      svg.append(h("svg:text", { x: 298, y: y + 4, text: `layer ${c + 1}: ${off > 0 ? "+" : ""}${off} predicts ${q(words[wv.words[c]])}` }));
    });
    // the numbers: one row per layer, then the one distribution
    const head = h("tr", {}, h("th", { class: "lab", text: "output layer" }), words.map((w) => h("th", { text: w })), LOSS !== "ns" ? h("th", { text: "pair loss" }) : null);
    const rows = wv.distributions.map((row, c) => {
      const off = wv.positions[c] - st0.center_position;
      return h("tr", {}, h("td", { class: "lab", text: `${off > 0 ? "+" : ""}${off} ${words[wv.words[c]]}` }),
        row.map((v, k) => h("td", { class: k === wv.words[c] ? "obs" : "" }, num(v, 4, `win.${c}.${k}`))),
        LOSS !== "ns" ? h("td", {}, num(wv.pair_losses[c], 4, `win.loss.${c}`)) : null);
    });
    const same = wv.largest_difference === 0;
    const lossLine = LOSS !== "ns"
      ? [" The window's loss is the sum of the pair losses \u2212log p(context word|h), ", wv.pair_losses.map((v, c) => [num(v, 4, `win.sum.${c}`), c < C - 1 ? " + " : ""]), " = ", num(wv.window_loss, 4, "win.total"),
        ", so training one pair at a time is the same computation."]
      : [" With negative sampling each pair draws its own noise words; training is one pair at a time."];
    const steps = `examples ${w0 + 1}\u2013${w0 + C}`;
    return card("11", "Skip-gram's window: C output layers, or one W'?",
      h("div", { class: "row", style: "margin: 0; gap: 18px" }, svg,
        h("div", {}, h("table", { class: "layers" }, head, rows),
          h("div", { class: "note", style: "margin-top: 8px; max-width: 44em" },
            h("b", { text: same ? "The C rows are identical " : "The rows differ " }), `(largest difference ${wv.largest_difference}). `,
            `Textbook diagrams draw the window of ${q(centre)} as C = ${C} output layers. Each is fed the same h = W[${centre}] through the same W', so they are one and the same ${what}: `,
            `there is one W', not C of them.`, ...lossLine))),
      cap(`Computed with W and W' as they are before example ${w0 + 1}, the first of this window. The trainer walks the window the other way round (${steps}): each context word's row predicts ${q(centre)}; the window is symmetric, so both orders train the same pairs.`));
  }

  // -- HS: the tree
  const tree = (() => {
    if (LOSS !== "hs") return null;
    const kids = {};
    D.huffman.points.forEach((pts, w) => {
      pts.forEach((p, d) => {
        kids[p] = kids[p] || {};
        kids[p][D.huffman.codes[w][d]] = d + 1 < pts.length ? ["n", pts[d + 1]] : ["w", w];
      });
    });
    const pos = { n: {}, w: {} };
    let leaf = 0;
    let depth = 0;
    function place(node, d) {
      depth = Math.max(depth, d);
      if (node[0] === "w") { pos.w[node[1]] = [leaf++, d]; return pos.w[node[1]][0]; }
      const a = place(kids[node[1]][0], d + 1);
      const b = place(kids[node[1]][1], d + 1);
      pos.n[node[1]] = [(a + b) / 2, d];
      return pos.n[node[1]][0];
    }
    place(["n", V - 2], 0);
    return { kids, pos, depth };
  })();

  function treeView(t) {
    const st = S[t];
    const gap = V > 12 ? 62 : 78, dy = 62;
    const Wd = Math.max(360, V * gap + 40), Ht = (tree.depth + 1) * dy + 56;
    const X = (i) => 20 + gap / 2 + i * gap;
    const Y = (d) => 26 + d * dy;
    const svg = h("svg:svg", { width: Wd, height: Ht, viewBox: `0 0 ${Wd} ${Ht}` });
    const onPath = new Set(st.rows);
    for (const [n, ch] of Object.entries(tree.kids)) {
      const [x, d] = tree.pos.n[n];
      for (const bit of [0, 1]) {
        const [kind, id] = ch[bit];
        const [cx, cd] = tree.pos[kind][id];
        const lit = onPath.has(Number(n)) && ((kind === "n" && onPath.has(id)) || (kind === "w" && id === st.target));
        svg.append(h("svg:line", { x1: X(x), y1: Y(d), x2: X(cx), y2: Y(cd), stroke: lit ? "#3d5a80" : "#ccc", "stroke-width": lit ? 3.5 : 1.5 }));
        svg.append(h("svg:text", { x: (X(x) + X(cx)) / 2 + (bit ? 6 : -12), y: (Y(d) + Y(cd)) / 2, text: String(bit), style: lit ? "font-weight: 700" : "fill: #999" }));
      }
    }
    for (const [n, [x, d]] of Object.entries(tree.pos.n)) {
      const u = st.rows.indexOf(Number(n));
      svg.append(h("svg:circle", { cx: X(x), cy: Y(d), r: 14, fill: u >= 0 ? "#3d5a80" : "#fff", stroke: "#3d5a80" }));
      svg.append(h("svg:text", { x: X(x), y: Y(d) + 4, "text-anchor": "middle", text: "n" + n, style: u >= 0 ? "fill: #fff" : "" }));
      if (u >= 0) {
        const t2 = h("svg:text", { x: X(x) + 18, y: Y(d) - 10 });
        t2.append(h("svg:tspan", { text: "\u03c3 = " }), h("svg:tspan", { "data-k": `tree.${n}`, text: fmt(st.sigmoids[u], 4) }));
        svg.append(t2);
      }
    }
    for (const [w, [x, d]] of Object.entries(tree.pos.w)) {
      const id = Number(w);
      const isT = id === st.target;
      svg.append(h("svg:rect", { x: X(x) - gap / 2 + 5, y: Y(d) - 12, width: gap - 10, height: 24, rx: 5, fill: isT ? "#2a9d8f" : "#f0f0f0", stroke: isT ? "#2a9d8f" : "#bbb" }));
      svg.append(h("svg:text", { x: X(x), y: Y(d) + 4, "text-anchor": "middle", text: words[id], style: isT ? "fill: #fff; font-weight: 700" : "" }));
      svg.append(h("svg:text", { x: X(x), y: Y(d) + 26, "text-anchor": "middle", text: D.huffman.codes[id].join(""), style: "fill: #777" }));
      const pl = h("svg:text", { x: X(x), y: Y(d) + 41, "text-anchor": "middle" });
      pl.append(h("svg:tspan", { text: "p = " }), h("svg:tspan", { "data-k": `leaf.${id}`, text: fmt(st.leaf_probs[id], 4) }));
      svg.append(pl);
    }
    return card("12", "Hierarchical softmax: the Huffman tree of the counts", svg,
      cap(`Built as word2vec.c builds it: merge the two least frequent nodes, again and again; frequent words get short codes. Inner node nJ is row J of W'. `,
        `Only the ${st.rows.length} filled nodes on ${q(words[st.target])}'s path are computed for this example. Under each word: its code and p(w|h), the product of the branch probabilities on its path (they sum to 1 over the V words).`));
  }

  // -- NS: the noise distribution
  function noiseView(t) {
    const st = S[t];
    const n = D.noise;
    const drawn = {};
    for (const k of st.negatives) drawn[k] = (drawn[k] || 0) + 1;
    const rows = words.map((w, k) => h("tr", { class: drawn[k] ? "neg" : "" }, h("td", { class: "lab", text: w }), h("td", { text: String(D.vocab.counts[k]) }),
      h("td", {}, num(n.unigram[k], 4, `uni.${k}`)), h("td", {}, num(n.distribution[k], 4, `pn.${k}`)), h("td", { class: "lab", text: drawn[k] ? `drawn \u00d7${drawn[k]}` : k === st.target ? "target" : "" })));
    return card(SG ? "12" : "11", `Negative sampling: the noise distribution P_n(w) \u221d count(w)^${n.exponent}`,
      h("table", {}, h("tr", {}, ["word", "count", "unigram", "P_n", "this example"].map((x, k) => h("th", { class: k === 0 || k === 4 ? "lab" : "", text: x }))), rows),
      cap(`${n.negative} draws per example with the trainer's alias-table sampler; a draw equal to the target is skipped, not redrawn (word2vec.c). Drawn now: ${st.negatives.map((k) => words[k]).join(", ") || "(none)"}. The power 3/4 draws frequent words less often than their share and rare words more often.`));
  }

  function extras(t) {
    const el = document.getElementById("more");
    el.replaceChildren();
    const row = h("div", { class: "row" }, mapView(t), curve(t));
    el.append(row);
    const more = h("div", { class: "row" });
    if (SG) more.append(windowView(t));
    if (LOSS === "hs") more.append(treeView(t));
    if (LOSS === "ns") more.append(noiseView(t));
    if (!SG) more.append(card("", "CBOW: one example per centre word", cap(`The ${D.cbow_mean ? "mean" : "sum"} of the window's context rows is one h, and one output layer predicts the centre word; skip-gram instead makes one example per (centre, context) pair.`)));
    el.append(more);
  }

  // -- controls
  let cur = 0;
  let shown = null;
  let timer = null;
  function show(t) {
    t = Math.max(0, Math.min(M - 1, t));
    const prev = shown !== null && Math.abs(shown - t) === 1 ? shown : null;
    cur = t;
    story(t);
    document.getElementById("net").replaceChildren(h("div", { class: "row" }, network(t, prev), learning(t)));
    extras(t);
    shown = t;
    document.getElementById("pos").textContent = `example ${t + 1} of ${M}`;
    document.getElementById("jump").value = String(t + 1);
    document.body.setAttribute("data-step", String(t + 1));
  }
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    document.getElementById("play").textContent = "\u25b6 Play";
  }
  function play() {
    if (timer) return stop();
    if (cur >= M - 1) show(0);
    const rate = Number(document.getElementById("speed").value);
    document.getElementById("play").textContent = "\u23f8 Pause";
    timer = setInterval(() => { if (cur >= M - 1) stop(); else show(cur + 1); }, 1000 / rate);
  }
  const on = (id, f) => document.getElementById(id).addEventListener("click", f);
  on("reset", () => { stop(); show(0); });
  on("prev", () => { stop(); show(cur - 1); });
  on("next", () => { stop(); show(cur + 1); });
  on("play", play);
  on("go", () => { stop(); show(Number(document.getElementById("jump").value) - 1); });
  document.getElementById("jump").addEventListener("keydown", (e) => { if (e.key === "Enter") { stop(); show(Number(e.target.value) - 1); } });
  document.getElementById("speed").addEventListener("input", (e) => {
    document.getElementById("speed-val").textContent = e.target.value;
    if (timer) { stop(); play(); }
  });
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT") return;
    if (e.key === "ArrowRight") { stop(); show(cur + 1); }
    else if (e.key === "ArrowLeft") { stop(); show(cur - 1); }
    else if (e.key === " ") { e.preventDefault(); play(); }
  });
  document.getElementById("jump").max = String(M);
  document.getElementById("subtitle").textContent =
    `Text ${q(D.text.trim().replace(/\s+/g, " "))}: V = ${V} words, dim ${dim}, window ${D.window}, lr ${WALK.lr} (constant), ` +
    `${WALK.epochs} epoch${WALK.epochs > 1 ? "s" : ""} of ${WALK.examples_per_epoch} examples, init ${D.init}, seed ${D.seed}. ` +
    "Every number is w2v explain's (its --format json), from the float64 reference the kernels are tested against.";
  const reads = SG ? "the input word's row of W becomes h" : `the ${D.cbow_mean ? "mean" : "sum"} of the context words' rows of W becomes h`;
  const meets = { softmax: "every row of W' and gives a score and a probability for each word", hs: "the rows of W' on the target's Huffman path and gives one sigmoid per node", ns: "the target's row of W' and k noise words' rows and gives one sigmoid each" }[LOSS];
  document.getElementById("howto").replaceChildren(h("b", { text: "How to read it: " }),
    `for each training example, ${reads} (1\u20133); h meets ${meets} (4\u20135); the loss says how wrong the prediction is (6); `,
    "its gradients (7) move only the rows that were used (8). Press ", h("b", { text: "Next" }), " or ", h("b", { text: "Play" }),
    " and watch the word vectors move (9) and the loss fall (10).");
  show(0);
})();
