"""Truth tables for reading values (checkers/extract.py), locating the final answer
(checkers/locate.py) and named components (checkers/named.py)."""

from __future__ import annotations

from fractions import Fraction
from fractions import Fraction as F

import pytest

from gradewise.checkers.extract import parse_value, scan, shape, show, squeeze
from gradewise.checkers.locate import answer_region, final_readings
from gradewise.checkers.named import norm_name


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("0.714", "0.714"),  # decimal kept exact
        (".5", "0.5"),  # leading point
        ("-3", "-3"),  # negative
        ("−3", "-3"),  # unicode minus
        ("1e-3", "0.001"),  # scientific
        (r"1\times10^{-3}", "0.001"),  # LaTeX scientific: one number, not a shape
        ("2^{10}", "1024"),  # power
        ("10/14", "5/7"),  # slash fraction, reduced
        (r"\frac{5}{7}", "5/7"),  # LaTeX fraction
        (r"\tfrac12", "0.5"),  # brace-less \frac
        (r"\frac{1}{\sqrt{4}}", "0.5"),  # root inside a fraction
        (r"\sqrt{2}", "1.41421"),  # irrational root: a float
        ("1,000", "1000"),  # thousands separator
        ("1,000,000.5", "1000000.5"),  # several groups and decimals
        ("1{,}000", "1000"),  # LaTeX's braced comma between groups of three
        (r"1\,000\,000", "1000000"),  # LaTeX thin spaces between groups of three
        ("1\u2009000", "1000"),  # a Unicode thin space between groups
        ("1\u202f000.5", "1000.5"),  # a narrow no-break space, then decimals
        ("1'000", "1000"),  # an apostrophe between groups (Swiss style)
        ("(5)", "5"),  # a parenthesised scalar
        ("[32, 128, 26, 26]", "[32, 128, 26, 26]"),  # vector
        ("(-72, -72)", "[-72, -72]"),  # parenthesised vector
        (r"\left[ 1, 2 \right]", "[1, 2]"),  # \left[ ... \right]
        (r"[1 \ 0.1 \ 0.01]", "[1, 0.1, 0.01]"),  # LaTeX spaces separate
        ("[[1,2],[3,4]]", "[[1, 2], [3, 4]]"),  # nested
        ("[1 2; 3 4]", "[[1, 2], [3, 4]]"),  # semicolon rows
        (r"\begin{bmatrix} 1 & 1 \\ 0 & 0 \end{bmatrix}", "[[1, 1], [0, 0]]"),  # bmatrix
        (r"\begin{pmatrix} \frac{1}{2} & 0 \\ \end{pmatrix}", "[[0.5, 0]]"),  # trailing \\
        (r"\begin{array}{cc} 1 & 2 \end{array}", "[[1, 2]]"),  # array with a column spec
        (r"2 \begin{bmatrix} 1 \\ 3 \end{bmatrix}", "[[2], [6]]"),  # scalar times matrix
        ("10, 24, 32, 32", "[10, 24, 32, 32]"),  # comma list without brackets
    ],
)
def test_parse_value(text: str, shown: str) -> None:
    value = parse_value(text)
    assert value is not None
    assert show(value) == shown


@pytest.mark.parametrize(
    "text",
    [
        "",  # nothing
        "abc",  # words
        "(c)",  # a choice mark
        "(0.1, 1]",  # mixed brackets
        "[1 + 0.1^2]",  # a sum is not a list
        r"\frac{x}{2}",  # a symbol inside
        "5/0",  # division by zero
        r"\begin{bmatrix} 1 & \vdots \end{bmatrix}",  # dots in a matrix
    ],
)
def test_parse_value_refuses(text: str) -> None:
    assert parse_value(text) is None


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("7 × 3 × 5", ["105", "[7, 3, 5]"]),  # product: value and shape
        ("32 x 128", ["4096", "[32, 128]"]),  # x as times
        ("12 * 5 * 100", ["6000", "[12, 5, 100]"]),  # star
        ("75%", ["0.75", "75"]),  # percent: share and number
        (r"50\%", ["0.5", "50"]),  # LaTeX percent
        ("5 percent", ["0.05", "5"]),  # the word "percent"
        ("5 per cent", ["0.05", "5"]),  # ... in two words
    ],
)
def test_several_readings(text: str, values: list[str]) -> None:
    (reading,) = scan(text)
    assert [show(v) for v in reading.values] == values


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Q3 x_1 \\theta_{t+1} x^2 conv2d", []),  # digits in names, sub/superscripts
        ("2x + 5th", []),  # digits glued to letters
        (r"\textcircled{2} and \tag{3}", []),  # labels in LaTeX
        ("(2) the value is 5", ["5"]),  # line-leading label skipped
        ("3. the value is 7", ["7"]),  # numbered line skipped
        ("a - 3", ["3"]),  # a minus after an operand is not a sign
        ("x = -3", ["-3"]),  # after '=' it is
        ("the answer is -3", ["-3"]),  # after a word it is too (found by the fuzz tests)
        (r"\pi - 3", ["3.14159", "3"]),  # after a symbol it is not (π is a number)
        # π, roots, Unicode fractions and superscripts as students type them
        ("A = 4π", ["12.5664"]),
        (r"\frac{\pi}{2}", ["1.5708"]),
        ("pi/2", ["1.5708"]),
        (r"\sqrt{\pi}", ["1.77245"]),
        ("π r^2", []),  # π before a variable: a formula, not a value
        ("2πr", []),
        (r"\pi\,r^2", []),
        (r"\pi_1 = 0.3", ["0.3"]),  # a mixture's weight π_1 is a name
        ("π(a|s) = 0.3", ["0.3"]),  # a policy π(a|s) too
        ("api 3", ["3"]),  # 'pi' inside a word is no π
        ("sqrt(6.25)", ["2.5"]),
        ("√2/2", ["0.707107"]),
        ("√(9)", ["3"]),
        ("10⁻³", ["0.001"]),
        ("2¹⁰", ["1024"]),
        ("2½", ["2.5"]),
        ("½ and ¾", ["0.5", "0.75"]),
        ("2.5 ± 0.1", ["2.5"]),  # the value's stated error is not another value
        (r"x = 3 \pm 0.2", ["3"]),
        ("0.3 +/- 0.05", ["0.3"]),
        ("Ans: 40, 12 * 5 * 100", ["40", "6000"]),  # a list stops before a product
        (r"$\mathbb{R}^{3 \times 1}$", []),  # a space's dimensions are a superscript
        ("1, 000", ["[1, 0]"]),  # comma and space: a list
    ],
)
def test_scan(text: str, read: list[str]) -> None:
    assert [show(r.value) for r in scan(text)] == read


def test_scan_spans_point_at_the_text() -> None:
    text = r"so $y = \frac{1}{3}$ and $[1, 2]$"
    assert [text[r.start : r.end] for r in scan(text)] == [r"\frac{1}{3}", "[1, 2]"]


def test_scan_parts_have_spans() -> None:
    text = "[10, 20]"
    (reading,) = scan(text)
    assert [text[p.start : p.end] for p in reading.parts] == ["10", "20"]


@pytest.mark.parametrize(
    ("text", "rule", "read"),
    [
        (r"x = 3 so $\boxed{5}$ then 7", "boxed", ["5"]),  # boxed wins over everything
        ("w = 3\nAns: 5\n\nthen 7", "marker", ["5"]),  # text after the last marker, to a blank line
        ("Answer: 7 \\times 3 \\times 5", "marker", ["105"]),  # key-sheet style
        ("Final answer 2.84", "marker", ["2.84"]),  # "final answer" needs no colon
        ("final answer $\\Rightarrow 4$", "marker", ["4"]),  # arrow after the marker
        ("a = 2 + 3 = 5", "relation", ["5"]),  # after the last '=' on the last line
        (r"r_d = 15 \rightarrow 16", "relation", ["16"]),  # arrows count as relations
        ("first 3\nthen [1, 2]", "last", ["[1, 2]"]),  # else the last value
        ("no numbers", "none", []),  # nothing
        # named components are one vector, in the order written (issue 13)
        ("gradient is zero at w1 = 1, w2 = 3", "named", ["[1, 3]"]),  # the answer
        ("x = 2, y = -1", "named", ["[2, -1]"]),  # other names
        ("w_1=1 and w_2=3", "named", ["[1, 3]"]),  # "and" between, no spaces around '='
        (r"$w_1 = 1,\; w_2 = 3$", "named", ["[1, 3]"]),  # LaTeX spacing between
        ("w1 = 1\nw2 = 3", "named", ["[1, 3]"]),  # one per line
        ("$w_1 = 1$, $w_2 = 3$.", "named", ["[1, 3]"]),  # each in its own math
        (r"\begin{aligned} w_1 &= 1 \\ w_2 &= 3 \end{aligned}", "named", ["[1, 3]"]),  # aligned
        ("c_1 = [1, 2], c_2 = [3, 4]", "named", ["[[1, 2], [3, 4]]"]),  # vectors stack as rows
        (r"$w^{(1)} = 3.8$, $w^{(2)} = 2.84$", "named", ["[3.8, 2.84]"]),  # iterates by superscript
        ("w1 = 5 - 0.1(12) = 3.8\nw2 = 3.8 - 0.1(9.6) = 2.84", "named", ["[3.8, 2.84]"]),  # chains
        ("w1 = 3.8 (one step), w2 = 2.84 (two steps)", "named", ["[3.8, 2.84]"]),  # remarks
        ("Ans: w1 = 3.8, w2 = 2.84", "marker", ["[3.8, 2.84]"]),  # after a marker too
        ("w = 3.8, then w = 2.84", "relation", ["2.84"]),  # one name twice: a sequence
        ("w1 = 1, so w2 = 3", "relation", ["3"]),  # prose between: not one answer
        ("w* = 3, so f(w*) = 0", "relation", ["0"]),  # a function value is not a name
        ("w1 = 1, w2 = 3 then y = [1, 3]", "relation", ["[1, 3]"]),  # a later value wins
        # a check after the answer is not the answer
        ("w = 3\ncheck: f'(3) = 2*3 - 6 = 0", "relation", ["3"]),  # a check line
        ("w = 3\nSanity check: 2(3) - 6 = 0", "relation", ["3"]),  # two words before the colon
        ("w = 3\nTo verify, 2(3) - 6 = 0", "relation", ["3"]),  # verify
        ("the weight is 2.84 (I checked: 2.84 - 2.84 = 0)", "last", ["2.84"]),  # in parentheses
        ("Ans: 3.8\ncheck: 5 - 1.2 = 3.8", "marker", ["3.8"]),  # after a marker too
        ("check: 3", "last", ["3"]),  # nothing but the check: it is what there is
    ],
)
def test_final_readings(text: str, rule: str, read: list[str]) -> None:
    final = final_readings(text)
    assert final.rule == rule
    assert [show(r.value) for r in final.readings] == read


@pytest.mark.parametrize(
    ("text", "rule", "region"),
    [
        ("Ans: b, c", "marker", "b, c"),  # marker
        ("Solution: C and D\n\nbecause ...", "marker", "C and D"),  # stops at a blank line
        ("**Answer:** False", "marker", "False"),  # bold marker
        ("the answer depends on it", "all", "the answer depends on it"),  # no colon: not a marker
        (r"\boxed{b}", "boxed", "b"),  # boxed letter
    ],
)
def test_answer_region(text: str, rule: str, region: str) -> None:
    got_rule, (lo, hi) = answer_region(text)
    assert got_rule == rule
    assert text[lo:hi].strip("* ") == region


@pytest.mark.parametrize(
    ("value", "squeezed", "shp"),
    [
        ((F(1),), "1", ()),  # [1] is 1
        (((F(1),), (F(2),)), "[1, 2]", (2,)),  # column vector
        (((F(1), F(2)),), "[1, 2]", (2,)),  # row vector
        (((F(1), F(2)), (F(3), F(4))), "[[1, 2], [3, 4]]", (2, 2)),  # matrix
    ],
)
def test_squeeze_and_shape(value: tuple, squeezed: str, shp: tuple[int, ...]) -> None:
    assert show(squeeze(value)) == squeezed
    assert shape(squeeze(value)) == shp


def test_named_reading_keeps_names_and_spans() -> None:
    text = "so w_1 = 1, w2 = 3"
    (reading,) = final_readings(text).readings
    assert reading.names == ("w1", "w2")  # written forms normalised: w_1, w_{1}, w1 alike
    assert text[reading.start : reading.end] == "w_1 = 1, w2 = 3"
    assert [text[p.start : p.end] for p in reading.parts] == ["1", "3"]


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("w_1", "w1"),  # subscript
        ("w_{1}", "w1"),  # braced subscript
        ("w^{(2)}", "w2"),  # iterate written as a superscript
        (r"\theta_1", "theta1"),  # Greek letter
        (r"\mathbf{w}_1", "w1"),  # bold
        ("W1", "W1"),  # case is kept: W is not w
    ],
)
def test_norm_name(written: str, name: str) -> None:
    assert norm_name(written) == name


def test_shape_of_ragged_is_none() -> None:
    assert shape(((Fraction(1),), (Fraction(1), Fraction(2)))) is None


def test_long_text_is_fast() -> None:
    text = (
        "Layer $[10, 16, 32, 32]$ and $\\frac{1}{3}\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}$.\n"
        * 400
    )
    assert len(scan(text)) == 800


@pytest.mark.parametrize(
    "text",
    [
        "(" * 5000,  # thousands of unclosed parentheses
        "-" * 5000 + "5",  # a run of minus signs
        "[" * 3000 + "1",  # brackets nested beyond any real value
        "\\frac{" * 2000,  # unclosed fractions
        "{" * 5000,  # unclosed braces
    ],
)
def test_runaway_input_ends(text: str) -> None:
    assert isinstance(scan(text), list)
