"""The shared schedule: the one learning-rate rule and its compiled twin, states and pieces."""

from __future__ import annotations

import numpy as np
import pytest

from w2v.kernels.common import learning_rate as kernel_learning_rate
from w2v.schedule import TrainState, learning_rate, piece_bounds


@pytest.mark.parametrize(("alpha", "min_alpha"), [(0.025, 2.5e-6), (0.05, 1e-4), (0.1, 0.0)])
def test_the_kernels_learning_rate_equals_the_schedules(alpha, min_alpha):
    """The compiled twin gives the schedule's rate to the last bit at every position, from the
    start through the end (clamped at min_alpha) and past it."""
    total = 1_234_567.0
    rng = np.random.default_rng(0)
    positions = np.concatenate(
        ([0, 1, total - 1, total, total + 10], rng.integers(0, int(total), 200))
    ).astype(np.int64)
    for pos0 in (0.0, 999.0):
        for p in positions:
            want = learning_rate(alpha, min_alpha, pos0 + float(p), total)
            got = kernel_learning_rate((alpha, min_alpha, pos0, total), int(p))
            assert got == want, (pos0, p)
    assert learning_rate(alpha, min_alpha, 0, total) == alpha
    assert learning_rate(alpha, min_alpha, total, total) == pytest.approx(min_alpha)
    assert learning_rate(alpha, min_alpha, 2 * total, total) == min_alpha


def test_learning_rate_on_arrays_equals_it_on_numbers():
    """The same function serves array positions (the PyTorch engine passes tensors)."""
    pos = np.array([0.0, 10.0, 500.0, 1000.0, 2000.0])
    got = learning_rate(0.025, 1e-4, pos, 1000.0)
    want = [learning_rate(0.025, 1e-4, float(p), 1000.0) for p in pos]
    np.testing.assert_array_equal(got, want)
    assert got[-1] == 1e-4


@pytest.mark.parametrize("taper", [1.0, 1.5, 2.0, 0.5])
def test_pieces_cover_the_schedule_once_in_order(taper):
    """The K pieces of a schedule are consecutive, disjoint and cover every global batch,
    equal or tapered."""
    for n, K in ((10, 3), (7, 7), (5, 8), (1000, 32), (79, 62)):
        bounds = [piece_bounds(k, K, n, taper) for k in range(K)]
        assert bounds[0][0] == 0 and bounds[-1][1] == n
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
        assert all(a <= b for a, b in bounds)


def test_state_at_a_global_batch():
    """TrainState.at(B, g) is epoch g // B, batch g % B, with nothing of it done."""
    s = TrainState.at(4, 9)
    assert (s.epoch, s.batch, s.global_batch(4)) == (2, 1, 9)
    assert not s.batch_loss.any() and len(s.batch_n) == 4
