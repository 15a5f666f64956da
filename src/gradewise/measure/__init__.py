"""Measuring agreement with human graders: the harness behind `gradewise evaluate`.

- `graded`: the graded-answers CSV, one reader and one writer (`gradewise evaluate` reads it,
  `gradewise export graded` writes it);
- `figures`: a judge's predictions against the human's grades (r, RMSE, QWK pooled and the mean
  over questions, accuracy, F1, coverage at 95% agreement, reliability);
- `protocols`: zero-shot, k-shot and train-test, per data set and split;
- `report`: every protocol on every split, and the predictions file;
- `agreement`: this exam's grades against a second human grader's.

Judges and reports never import this package (tests/test_layers.py): what they share with it
lives below, in `gradewise.model` (`GradedAnswer`) and `gradewise.metrics`.
"""
