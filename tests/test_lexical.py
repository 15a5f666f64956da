"""The lexical judge on hand-written questions: right > partial ≥ wrong; bad input never scores."""

from __future__ import annotations

import pytest

from gradewise.judges.lexical import LexicalJudge, stem, terms
from gradewise.judges.registry import Example, JudgeItem, judges
from gradewise.model import Status

# (question, reference, right answer in the student's words, partial answer, wrong answer on topic)
QUESTIONS = [
    ("What does the learning rate control?", "The size of each parameter update step in gradient descent.",
     "It sets the size of every update step of the parameters.", "It is about gradient descent.",
     "It is the number of epochs we train."),  # optimisation basics
    ("Why use dropout?", "Dropout randomly zeroes activations during training to reduce overfitting.",
     "During training it randomly zeroes some activations, which reduces overfitting.",
     "It zeroes activations.", "It speeds up inference on the GPU."),  # regularisation
    ("What is a convolution's receptive field?", "The region of the input image that affects one output unit.",
     "The part of the input image region that influences a single output unit.", "A region of the image.",
     "The number of filters in the layer."),  # CNNs
    ("Why is ReLU preferred to sigmoid in deep nets?", "ReLU does not saturate for positive inputs so gradients do not vanish.",
     "Its gradient does not vanish because it does not saturate for positive inputs.", "Gradients vanish with sigmoid.",
     "ReLU is smoother than sigmoid."),  # activations
    ("What does batch normalisation do?", "It normalises layer inputs over the minibatch using the batch mean and variance, then scales and shifts.",
     "It uses the minibatch mean and variance to normalise the inputs of a layer, then a learned scale and shift.",
     "It normalises inputs.", "It picks the batch size automatically."),  # normalisation
    ("What is overfitting?", "The model fits noise in the training data and generalises poorly to unseen data.",
     "Fitting the noise of the training data so it generalises poorly to unseen examples.",
     "Doing well on training data.", "When the learning rate is too small."),  # generalisation
    ("Why shuffle the training data each epoch?", "To remove ordering bias and make minibatch gradients less correlated.",
     "Shuffling removes any ordering bias so the minibatch gradients are less correlated.",
     "Because of ordering.", "To make the dataset smaller."),  # SGD practice
    ("What does the softmax function output?", "A probability distribution over classes: non-negative values that sum to one.",
     "Non-negative class probabilities that sum to one, a distribution.", "Probabilities.",
     "The largest logit only."),  # classification
    ("What is the purpose of a validation set?", "To tune hyperparameters and select models without touching the test set.",
     "We tune hyperparameters and select the model on it, keeping the test set untouched.",
     "Tuning.", "It is extra training data."),  # evaluation
    ("What does L2 regularisation add to the loss?", "A penalty proportional to the squared norm of the weights.",
     "The squared norm of the weights times a penalty coefficient.", "A penalty.",
     "The absolute value of the bias."),  # regularisation
    ("What is the vanishing gradient problem?", "Gradients shrink exponentially through many layers so early layers learn very slowly.",
     "Through many layers gradients shrink exponentially and the early layers learn slowly.",
     "Gradients get small.", "Gradients become too large and overflow."),  # deep nets
    ("Why use a max-pooling layer?", "It downsamples feature maps and gives some translation invariance.",
     "Pooling downsamples the feature maps and adds translation invariance.", "It downsamples.",
     "It adds more parameters to learn."),  # CNNs
    ("What is an epoch?", "One full pass over the entire training dataset.",
     "A full pass through the whole training dataset once.", "A pass.",
     "One gradient update on one minibatch."),  # vocabulary
    ("What does the attention score measure?", "The similarity between a query and a key, usually a scaled dot product.",
     "How similar a query is to a key, computed as a scaled dot product.", "Similarity.",
     "The length of the input sequence."),  # transformers
    ("Why is cross-entropy used for classification?", "It is the negative log likelihood of the correct class under the predicted distribution.",
     "It equals the negative log likelihood of the correct class given the predicted distribution.",
     "It uses a log.", "It measures the squared distance between labels."),  # losses
    ("What is early stopping?", "Stopping training when validation loss stops improving to prevent overfitting.",
     "We stop training once the validation loss stops improving, which prevents overfitting.",
     "Stopping early.", "Using a smaller network from the start."),  # regularisation
    ("What does a 1x1 convolution do?", "It mixes channels at each spatial position and can change the number of channels.",
     "At every spatial position it mixes the channels and can change how many channels there are.",
     "It changes channels.", "It blurs the image spatially."),  # CNNs
    ("What is momentum in SGD?", "An exponentially decaying average of past gradients used to smooth and accelerate updates.",
     "Updates follow an exponentially decaying average of past gradients, which smooths and accelerates them.",
     "Past gradients.", "A random restart of the weights."),  # optimisation
    ("Why initialise weights randomly?", "To break symmetry so that hidden units learn different features.",
     "Random initialisation breaks the symmetry so different hidden units learn different features.",
     "Symmetry.", "So the network trains on random labels."),  # initialisation
    ("What does a residual connection do?", "It adds the block input to its output so gradients flow directly through the identity path.",
     "The block's input is added to its output, letting gradients flow directly along the identity path.",
     "It adds things.", "It removes layers at random during training."),  # architectures
]  # fmt: skip

JUDGE = LexicalJudge()


def fraction(question: str, reference: str, answer: str, **kw: object) -> float:
    [j] = JUDGE.judge_many([JudgeItem(question, reference, answer, **kw)])  # type: ignore[arg-type]
    return j.fraction


@pytest.mark.parametrize("question, reference, right, partial, wrong", QUESTIONS)
def test_right_beats_partial_beats_wrong(
    question: str, reference: str, right: str, partial: str, wrong: str
) -> None:
    f_right, f_partial, f_wrong = (
        fraction(question, reference, a) for a in (right, partial, wrong)
    )
    assert f_right > f_partial >= f_wrong
    assert f_right >= 0.5 and f_wrong < 0.5


@pytest.mark.parametrize(
    "answer, at_most, status",
    [
        ("", 0.0, Status.NOT_MET),  # empty: nothing, surely
        ("   \n ", 0.0, Status.NOT_MET),  # whitespace only
        ("xkcdqrt zzkj bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb qwrtp", 0.0, Status.NOT_MET),  # gibberish
        ("Why use dropout?", 0.25, None),  # only repeats the question: never full marks
        (
            "Dropout verhindert Überanpassung, indem Aktivierungen zufällig genullt werden.",
            0.5,
            None,
        ),  # German
        ("$$\\frac{\\partial L}{\\partial w} = 0$$", 0.5, None),  # only a formula
    ],
)
def test_bad_input_never_earns(answer: str, at_most: float, status: Status | None) -> None:
    question, reference = QUESTIONS[1][:2]
    [j] = JUDGE.judge_many([JudgeItem(question, reference, answer)])
    assert j.fraction <= at_most
    if status is not None:
        assert j.status is status and j.confidence >= 0.9


def test_a_10000_word_answer_is_judged_quickly_and_not_rewarded_for_length() -> None:
    question, reference, right = QUESTIONS[1][:3]
    padding = " ".join(["the network has many weights and layers"] * 1250)
    [j] = JUDGE.judge_many([JudgeItem(question, reference, padding)])
    assert j.fraction < 0.5


def test_examples_calibrate_to_the_graders_scale() -> None:
    question, reference, right, partial, wrong = QUESTIONS[0]
    generous = tuple(Example(a, 1.0) for a in (partial, wrong, "It is a setting."))
    assert fraction(
        question, reference, "It is about descent.", examples=generous, group="g"
    ) > fraction(question, reference, "It is about descent.")


def test_evidence_quotes_the_answer() -> None:
    question, reference, right = QUESTIONS[1][:3]
    answer = "First some words. " + right
    [j] = JUDGE.judge_many([JudgeItem(question, reference, answer)])
    assert (
        j.evidence is not None
        and "zeroes some activations" in answer[j.evidence[0] : j.evidence[1]]
    )


def test_stemming_and_registration() -> None:
    assert stem("computing") == stem("computes") == "comput"
    assert terms("The gradients vanish") == frozenset({"gradient", "vanish"})
    assert judges().get("lexical") is not None
