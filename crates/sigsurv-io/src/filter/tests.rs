use super::*;
use polars::prelude::*;
use proptest::prelude::*;

fn shown(src: &str) -> String {
    Condition::parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e:?}"))
        .root()
        .to_string()
}

fn err(src: &str) -> FilterError {
    Condition::parse(src).expect_err(src)
}

/// The error's caret line, without the echoed condition.
fn caret(src: &str, e: &FilterError) -> String {
    let [line, carets] = e.caret(src).expect("a position");
    assert_eq!(line, src.replace('\n', " "));
    carets
}

#[test]
fn precedence_is_not_then_and_then_or() {
    assert_eq!(
        shown("a = 1 OR b = 2 AND NOT c = 3"),
        "((\"a\" = 1) OR ((\"b\" = 2) AND (NOT (\"c\" = 3))))"
    );
    assert_eq!(
        shown("(a = 1 OR b = 2) AND c = 3"),
        "(((\"a\" = 1) OR (\"b\" = 2)) AND (\"c\" = 3))"
    );
    assert_eq!(
        shown("NOT a = 1 OR b = 2"),
        "((NOT (\"a\" = 1)) OR (\"b\" = 2))"
    );
    assert_eq!(
        shown("not not x"),
        "(NOT (NOT \"x\"))",
        "keywords in any case; a bare column is a condition"
    );
    assert_eq!(
        shown("a = 1 and b = 2 and c = 3 or d = 4"),
        "(((\"a\" = 1) AND (\"b\" = 2) AND (\"c\" = 3)) OR (\"d\" = 4))"
    );
}

#[test]
fn every_comparison_operator() {
    for (op, canonical) in [
        ("=", "="),
        ("==", "="),
        ("!=", "!="),
        ("<>", "!="),
        ("<", "<"),
        ("<=", "<="),
        (">", ">"),
        (">=", ">="),
    ] {
        assert_eq!(shown(&format!("x{op}1")), format!("(\"x\" {canonical} 1)"));
    }
}

#[test]
fn in_between_and_null_tests() {
    assert_eq!(
        shown("tgrade IN ('I', 'II')"),
        "(\"tgrade\" IN ('I', 'II'))"
    );
    assert_eq!(
        shown("tgrade not in ('III')"),
        "(\"tgrade\" NOT IN ('III'))"
    );
    assert_eq!(
        shown("age BETWEEN 40 AND 60 AND er = 1"),
        "((\"age\" BETWEEN 40 AND 60) AND (\"er\" = 1))",
        "BETWEEN takes the first AND"
    );
    assert_eq!(
        shown("age NOT BETWEEN -1.5 AND 1e3"),
        "(\"age\" NOT BETWEEN -1.5 AND 1000.0)"
    );
    assert_eq!(shown("x IS NULL"), "(\"x\" IS NULL)");
    assert_eq!(
        shown("x is not null OR y IS NULL"),
        "((\"x\" IS NOT NULL) OR (\"y\" IS NULL))"
    );
}

#[test]
fn quoting_and_literals() {
    assert_eq!(shown("ph.ecog = 1"), "(\"ph.ecog\" = 1)");
    assert_eq!(shown("\"ph.ecog\" = 1"), "(\"ph.ecog\" = 1)");
    assert_eq!(shown("`ER status` = 'it''s'"), "(\"ER status\" = 'it''s')");
    assert_eq!(shown("\"a \"\"b\"\"\" = 1"), "(\"a \"\"b\"\"\" = 1)");
    assert_eq!(shown("\"my-col\" >= .5"), "(\"my-col\" >= 0.5)");
    assert_eq!(
        shown("x = TRUE OR y = false"),
        "((\"x\" = TRUE) OR (\"y\" = FALSE))"
    );
    assert_eq!(shown("x = -7"), "(\"x\" = -7)");
    assert_eq!(shown("x = + 7"), "(\"x\" = 7)");
    assert_eq!(shown("x > 2.5E-3"), "(\"x\" > 0.0025)");
    assert_eq!(
        shown("x > 9223372036854775808"),
        "(\"x\" > 9.223372036854776e18)",
        "beyond i64: a float"
    );
    assert_eq!(
        shown("x > -9223372036854775808"),
        "(\"x\" > -9223372036854775808)"
    );
    assert_eq!(shown("'yes' = horTh"), "('yes' = \"horTh\")");
    assert_eq!(shown("  age\t>=\n50 "), "(\"age\" >= 50)");
}

#[test]
fn syntax_errors_point_at_the_problem() {
    let cases: [(&str, &str, &str); 16] = [
        (
            "age >= AND er = 1",
            "       ^^^",
            "expected a column or a value, found AND",
        ),
        (
            "age >= 50 AND",
            "             ^",
            "expected a column or a value, found the end",
        ),
        (
            "age 50",
            "    ^^",
            "expected a comparison (= != < <= > >=), IN, BETWEEN or IS NULL",
        ),
        (
            "(age > 50",
            "         ^",
            "the \"(\" at position 1 is never closed",
        ),
        ("age > 50)", "        ^", "unexpected \")\""),
        (
            "age + 1 > 50",
            "    ^",
            "arithmetic (+ - * / %) is not supported",
        ),
        ("age > 50 * 2", "         ^", "arithmetic"),
        ("my-col = 1", "  ^", "arithmetic"),
        ("x = NULL", "    ^^^^", "write \"x IS NULL\""),
        ("x IS 1", "     ^", "expected NULL or NOT NULL, found 1"),
        (
            "x BETWEEN 1 OR 2",
            "            ^^",
            "expected AND (as in x BETWEEN 1 AND 5)",
        ),
        ("x IN 1, 2", "     ^", "\"(\" to open the list"),
        ("x IN (1 2)", "        ^", "\",\" or \")\" in the IN list"),
        ("name LIKE 'a%'", "     ^^^^", "LIKE is not supported"),
        ("", "^", "the condition is empty"),
        ("x = 1e999", "    ^^^^^", "out of range"),
    ];
    for (src, carets, what) in cases {
        let e = err(src);
        assert!(e.message.contains(what), "{src}: {}", e.message);
        assert_eq!(caret(src, &e), carets, "{src}");
    }
}

#[test]
fn caret_counts_characters_and_keeps_tabs() {
    let src = "größe\t> 'x";
    let e = err(src);
    assert!(e.message.contains("unterminated text"), "{}", e.message);
    assert_eq!(caret(src, &e), "     \t  ^^");
}

#[test]
fn a_long_condition_shows_a_window_around_the_caret() {
    // 100 KB of conditions with one bad operator in the middle: the message quotes a window, not the whole text.
    let many = vec!["x = 1"; 5_000].join(" AND ");
    let src = format!("{many} AND y >> 1 AND {many}");
    let e = err(&src);
    let [line, carets] = e.caret(&src).expect("a position");
    assert!(line.starts_with('…') && line.ends_with('…'), "{line}");
    assert!(line.chars().count() < 100, "{line}");
    let at = carets.chars().position(|c| c == '^').unwrap();
    // The caret is under the second '>' of "y >> 1" (the first makes a comparison, the second is unexpected).
    let before: String = line.chars().take(at + 1).collect();
    assert!(before.ends_with("y >>"), "{line}\n{carets}");
    let quoted = quote_condition(&src);
    let n = src.chars().count();
    assert!(
        quoted.len() < 120 && quoted.ends_with(&format!("({n} characters)")),
        "{quoted}"
    );
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("{}x = 1{}", "(".repeat(65), ")".repeat(65));
    assert!(err(&deep).message.contains("more than 64 deep"));
    let ok = format!("{}x = 1{}", "(".repeat(64), ")".repeat(64));
    assert_eq!(shown(&ok), "(\"x\" = 1)");
    assert!(err(&"NOT ".repeat(100)).message.contains("deep"));
}

fn frame() -> DataFrame {
    df!(
        "age" => [Some(35i64), Some(50), Some(61), None, Some(70)],
        "time" => [10.5f64, 20.0, 30.25, 40.0, 50.0],
        "horTh" => [Some("yes"), Some("no"), None, Some("yes"), Some("no")],
        "ph.ecog" => [0i32, 1, 2, 1, 0],
        "flag" => [true, false, true, false, true],
        "ER status" => ["pos", "neg", "pos", "pos", "neg"]
    )
    .unwrap()
}

/// Row positions (0-based) the condition keeps in [`frame`], by the same path as `read_table`.
fn kept(src: &str) -> Vec<u32> {
    let df = frame();
    let schema = df.schema().clone();
    let expr = Condition::parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e:?}"))
        .to_expr(&schema)
        .unwrap_or_else(|e| panic!("{src}: {e:?}"));
    let out = df
        .lazy()
        .with_row_index("i", None)
        .filter(expr)
        .collect()
        .unwrap_or_else(|e| panic!("{src}: {e}"));
    out.column("i")
        .unwrap()
        .idx()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

#[test]
fn filters_rows_with_sql_null_semantics() {
    assert_eq!(kept("age >= 50"), [1, 2, 4]);
    assert_eq!(kept("age >= 50 AND horTh = 'no'"), [1, 4]);
    // A missing value makes a comparison unknown: neither it nor its negation keeps the row.
    assert_eq!(kept("age != 50"), [0, 2, 4]);
    assert_eq!(kept("NOT age = 50"), [0, 2, 4]);
    assert_eq!(kept("age IS NULL"), [3]);
    assert_eq!(kept("horTh IS NOT NULL AND age IS NOT NULL"), [0, 1, 4]);
    // Unknown OR true is true; unknown AND false is false.
    assert_eq!(kept("age > 60 OR time = 40"), [2, 3, 4]);
    assert_eq!(kept("horTh IN ('no', 'maybe')"), [1, 4]);
    assert_eq!(kept("horTh NOT IN ('no')"), [0, 3]);
    assert_eq!(kept("age BETWEEN 50 AND 61"), [1, 2]);
    assert_eq!(kept("age NOT BETWEEN 50 AND 61"), [0, 4]);
    assert_eq!(kept("time > 20.1 AND time <= 50"), [2, 3, 4]);
    assert_eq!(kept("ph.ecog = 1 OR \"ph.ecog\" = 2"), [1, 2, 3]);
    assert_eq!(kept("`ER status` = 'pos' AND NOT flag"), [3]);
    assert_eq!(kept("flag = TRUE"), [0, 2, 4]);
    assert_eq!(
        kept("flag = 1"),
        [0, 2, 4],
        "booleans compare with numbers as 1/0"
    );
    assert_eq!(kept("ph.ecog = FALSE"), [0, 4]);
    assert_eq!(
        kept("horTh < 'z' AND horTh > 'o'"),
        [0, 3],
        "text compares in byte order"
    );
    assert_eq!(kept("50 <= age"), [1, 2, 4]);
    assert_eq!(kept("age < time"), Vec::<u32>::new(), "two columns");
    assert_eq!(kept("age IN (35, 70.0)"), [0, 4]);
}

#[test]
fn long_or_chains_and_in_lists_stay_shallow() {
    let list: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
    assert_eq!(kept(&format!("age IN ({})", list.join(", "))), [0, 1, 2, 4]);
    let ors: Vec<String> = (0..2000).map(|i| format!("age = {i}")).collect();
    assert_eq!(kept(&ors.join(" OR ")), [0, 1, 2, 4]);
}

#[test]
fn categorical_columns_compare_by_label() {
    let df = frame();
    let cat = df
        .column("horTh")
        .unwrap()
        .cast(&DataType::from_categories(Categories::global()))
        .unwrap();
    let mut df = df;
    df.with_column(cat).unwrap();
    let schema = df.schema().clone();
    let expr = Condition::parse("horTh = 'no' OR horTh IN ('yes')")
        .unwrap()
        .to_expr(&schema)
        .unwrap();
    assert_eq!(df.lazy().filter(expr).collect().unwrap().height(), 4);
}

fn type_err(src: &str) -> FilterError {
    let schema = frame().schema().clone();
    Condition::parse(src)
        .unwrap()
        .to_expr(&schema)
        .expect_err(src)
}

#[test]
fn unknown_columns_are_named_with_a_suggestion() {
    let src = "agee > 50";
    let e = type_err(src);
    assert_eq!(e.message, "column \"agee\" not found");
    assert_eq!(caret(src, &e), "^^^^");
    assert_eq!(e.hints[0], "did you mean \"age\"?");
    assert_eq!(
        e.hints[1],
        "available columns: age, time, horTh, ph.ecog, flag, ER status"
    );
    let e = type_err("horTh = yes");
    assert_eq!(e.message, "column \"yes\" not found");
    assert_eq!(e.hints[0], "a text value goes in single quotes: 'yes'");
    let e = type_err("horTh = \"yes\"");
    assert!(
        e.hints.iter().any(|h| h.contains("single quotes: 'yes'")),
        "{e:?}"
    );
}

#[test]
fn type_mismatches_name_column_type_and_value() {
    let src = "age >= 50 AND horTh = 1";
    let e = type_err(src);
    assert_eq!(
        e.message,
        "column \"horTh\" is text (str), but 1 is a number"
    );
    assert_eq!(caret(src, &e), "              ^^^^^^^^^");
    assert_eq!(e.hints, ["text values go in single quotes: horTh = '1'"]);

    let e = type_err("age > '50'");
    assert_eq!(
        e.message,
        "column \"age\" is numeric (i64), but '50' is text"
    );
    assert_eq!(e.hints, ["write numbers without quotes: age > 50"]);
    let e = type_err("2.5 <= `ER status`");
    assert_eq!(
        e.hints,
        ["text values go in single quotes: '2.5' <= \"ER status\""]
    );
    let e = type_err("ph.ecog = 'x'");
    assert_eq!(
        e.hints,
        ["compare \"ph.ecog\" with a number, e.g. ph.ecog = 1"]
    );

    let e = type_err("'old' IN (age, 1)");
    assert_eq!(
        e.message,
        "column \"age\" is numeric (i64), but 'old' is text"
    );

    let e = type_err("age = horTh");
    assert_eq!(
        e.message,
        "columns \"age\" (numeric (i64)) and \"horTh\" (text (str)) cannot be compared"
    );
    for (src, what) in [
        (
            "flag = 'yes'",
            "column \"flag\" is boolean, but 'yes' is text",
        ),
        ("1 = 1", "compares two values"),
        ("age", "column \"age\" is numeric (i64), not a condition"),
        ("TRUE", "TRUE on its own is not a condition"),
        ("flag > FALSE", "booleans can only be compared with = or !="),
        ("5 IS NULL", "needs a column"),
        ("age BETWEEN 'a' AND 5", "but 'a' is text"),
    ] {
        let e = type_err(src);
        assert!(e.message.contains(what), "{src}: {}", e.message);
    }
}

#[test]
fn unsupported_column_types_are_refused() {
    let df = df!("x" => [Some(1i64)]).unwrap();
    let list = df
        .column("x")
        .unwrap()
        .as_materialized_series()
        .implode()
        .unwrap()
        .into_series()
        .into_column();
    let df = DataFrame::new(1, vec![list]).unwrap();
    let e = Condition::parse("x = 1")
        .unwrap()
        .to_expr(&df.schema().clone())
        .unwrap_err();
    assert!(
        e.message.contains("which --where cannot compare"),
        "{}",
        e.message
    );
}

/// Conditions built from the grammar, to check that printing and re-parsing gives the same tree.
fn arb_operand() -> impl Strategy<Value = OperandKind> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_. \"`-]{0,8}".prop_map(OperandKind::Column),
        any::<i64>().prop_map(|i| OperandKind::Value(Value::Int(i))),
        (-1e12f64..1e12).prop_map(|x| OperandKind::Value(Value::Float(x))),
        ".{0,6}".prop_map(|s| OperandKind::Value(Value::Text(s))),
        any::<bool>().prop_map(|b| OperandKind::Value(Value::Bool(b))),
    ]
}

fn op(kind: OperandKind) -> Operand {
    Operand {
        kind,
        span: Span::new(0, 0),
    }
}

fn arb_node() -> impl Strategy<Value = Node> {
    let cmp = prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::NotEq),
        Just(CmpOp::Lt),
        Just(CmpOp::LtEq),
        Just(CmpOp::Gt),
        Just(CmpOp::GtEq)
    ];
    let leaf = prop_oneof![
        (arb_operand(), cmp, arb_operand()).prop_map(|(l, o, r)| Node::Compare {
            left: op(l),
            op: o,
            right: op(r)
        }),
        (
            arb_operand(),
            prop::collection::vec(arb_operand(), 1..4),
            any::<bool>()
        )
            .prop_map(|(o, list, negated)| Node::In {
                operand: op(o),
                list: list.into_iter().map(op).collect(),
                negated
            }),
        (arb_operand(), arb_operand(), arb_operand(), any::<bool>()).prop_map(
            |(o, l, h, negated)| Node::Between {
                operand: op(o),
                low: op(l),
                high: op(h),
                negated
            }
        ),
        (arb_operand(), any::<bool>()).prop_map(|(o, negated)| Node::IsNull {
            operand: op(o),
            negated
        }),
        arb_operand().prop_map(|o| Node::Truth(op(o))),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Node::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Node::Or),
            inner.prop_map(|n| Node::Not(Box::new(n))),
        ]
    })
}

/// The tree without positions, for comparing a re-parsed tree with the generated one.
fn strip(n: &Node) -> String {
    format!("{n}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,40}") {
        let schema = frame().schema().clone();
        match Condition::parse(&src) {
            Ok(c) => drop(c.to_expr(&schema)),
            Err(e) => drop(e.caret(&src)),
        }
    }

    #[test]
    fn sql_like_text_never_panics(
        words in prop::collection::vec(
            prop_oneof![
                Just("age"), Just("horTh"), Just("\"ph.ecog\""), Just("AND"), Just("OR"), Just("NOT"),
                Just("IN"), Just("IS"), Just("NULL"), Just("BETWEEN"), Just("("), Just(")"), Just(","),
                Just("="), Just("<>"), Just(">="), Just("'no'"), Just("50"), Just("-1.5e2"), Just("TRUE"),
                Just("-"), Just("'"), Just("\""), Just("flag"), Just("nope"), Just("*"),
            ],
            0..16,
        )
    ) {
        let src = words.join(" ");
        let schema = frame().schema().clone();
        match Condition::parse(&src) {
            Ok(c) => {
                if let Ok(expr) = c.to_expr(&schema) {
                    // Anything that passes the checks must also run.
                    frame().lazy().filter(expr).collect().unwrap();
                }
            }
            Err(e) => {
                prop_assert!(e.caret(&src).is_some());
            }
        }
    }

    #[test]
    fn printing_and_reparsing_gives_the_same_tree(node in arb_node()) {
        let printed = node.to_string();
        let again = Condition::parse(&printed);
        prop_assert!(again.is_ok(), "{printed}: {:?}", again.err());
        prop_assert_eq!(strip(again.unwrap().root()), strip(&node));
    }
}
