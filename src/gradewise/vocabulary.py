"""Words papers and scripts in other languages use where English ones say "Question": one list
for the drafter (a paper's questions) and the segmenter (a script's labels)."""

from __future__ import annotations

# German, French, Spanish, Italian, Portuguese, Dutch: 'Aufgabe 2', 'Exercice 3', 'Pregunta 1'.
QUESTION_WORDS = (
    "aufgabe",
    "frage",
    "übung",
    "uebung",
    "exercice",
    "ejercicio",
    "pregunta",
    "tarea",
    "problema",
    "esercizio",
    "domanda",
    "questão",
    "questao",
    "opgave",
    "vraag",
)
