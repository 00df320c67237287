"""Other engines behind the same TrainConfig, Vocabulary and model: each imports its heavy
dependency lazily, so importing w2v never imports them."""
