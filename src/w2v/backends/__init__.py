"""Other training engines behind the same TrainConfig; each imports its dependency lazily."""
