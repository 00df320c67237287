"""Numba kernels: flat functions over NumPy arrays that update W_in and W_out in place.

They know nothing of files, words or threads. Every kernel is compiled with
``nogil=True, cache=True`` so Python threads run them in parallel (Hogwild) and the compiled
code is reused across processes (first-call compilation takes a few seconds per kernel).
"""

from .cbow import train_batch_cbow
from .common import (
    LOSS_HS,
    LOSS_NS,
    LOSS_SOFTMAX,
    NO_SYNC,
    all_finite,
    build_alias_table,
    draw_noise_words,
    kernel_matrix,
    make_hot_sync,
    noise_codes,
    publish_hot_rows,
    sigmoid_table,
    sync_hot_rows,
)
from .skipgram import train_batch_skipgram

__all__ = [
    "LOSS_HS",
    "LOSS_NS",
    "LOSS_SOFTMAX",
    "NO_SYNC",
    "all_finite",
    "build_alias_table",
    "draw_noise_words",
    "kernel_matrix",
    "make_hot_sync",
    "noise_codes",
    "publish_hot_rows",
    "sigmoid_table",
    "sync_hot_rows",
    "train_batch_cbow",
    "train_batch_skipgram",
]
