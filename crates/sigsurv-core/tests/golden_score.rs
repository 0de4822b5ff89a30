//! Signature scores against R: GSVA 1.46 (ssgsea, zscore), mean-z by hand and singscore's formula on the gse1992
//! fixture (1,060 genes x 124 samples, 5 gene sets), plus a small matrix with ties and a constant gene.
//! References: fixtures/gse1992/make_scores.R -> scores.json.

mod common;

use common::{assert_all_close, fixture, json, nums};
use sigsurv_core::score::{score_sets, ScoreMethod};

struct Matrix {
    genes: Vec<String>,
    samples: Vec<String>,
    /// genes x samples, row-major.
    values: Vec<f64>,
}

/// Reads the samples x genes CSV and transposes it to genes x samples.
fn read_expression() -> Matrix {
    let mut rdr = csv::Reader::from_path(fixture("gse1992/expression.csv")).unwrap();
    let genes: Vec<String> = rdr
        .headers()
        .unwrap()
        .iter()
        .skip(1)
        .map(str::to_string)
        .collect();
    let mut samples = Vec::new();
    let mut by_sample: Vec<Vec<f64>> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        samples.push(rec[0].to_string());
        by_sample.push(rec.iter().skip(1).map(|v| v.parse().unwrap()).collect());
    }
    let (ng, ns) = (genes.len(), samples.len());
    let mut values = vec![0.0; ng * ns];
    for (s, row) in by_sample.iter().enumerate() {
        for (g, v) in row.iter().enumerate() {
            values[g * ns + s] = *v;
        }
    }
    Matrix {
        genes,
        samples,
        values,
    }
}

/// GMT sets matched to matrix rows, in GMT order (genes not in the matrix skipped).
fn read_sets(genes: &[String]) -> (Vec<String>, Vec<Vec<String>>, Vec<Vec<usize>>) {
    let text = std::fs::read_to_string(fixture("genesets/go_il1_tlr.gmt")).unwrap();
    let (mut names, mut symbols, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        names.push(f[0].to_string());
        let matched: Vec<(String, usize)> = f[2..]
            .iter()
            .filter_map(|s| {
                genes
                    .iter()
                    .position(|g| g == s)
                    .map(|i| (s.to_string(), i))
            })
            .collect();
        symbols.push(matched.iter().map(|m| m.0.clone()).collect());
        rows.push(matched.iter().map(|m| m.1).collect());
    }
    (names, symbols, rows)
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn gse1992_scores_match_r() {
    let r = json("gse1992/scores.json");
    let m = read_expression();
    assert_eq!(m.samples, strings(&r["samples"]));
    let (names, symbols, sets) = read_sets(&m.genes);
    assert_eq!(names, strings(&r["set_names"]));
    for (i, s) in symbols.iter().enumerate() {
        assert_eq!(
            s,
            &strings(&r["set_genes"][i]),
            "matched genes of {}",
            names[i]
        );
    }
    let (ng, ns) = (m.genes.len(), m.samples.len());
    for (method, key, rel) in [
        (ScoreMethod::MeanZ, "mean_z", 1e-12),
        (ScoreMethod::ZScore, "zscore", 1e-12),
        (ScoreMethod::Ssgsea, "ssgsea", 1e-12),
        (ScoreMethod::Singscore, "singscore", 1e-13),
    ] {
        let ours = score_sets(&m.values, ng, ns, &sets, method).unwrap();
        for (i, name) in names.iter().enumerate() {
            assert_all_close(&format!("{key} {name}"), &ours[i], &nums(&r[key][i]), rel);
        }
    }
}

#[test]
fn tiny_matrix_with_ties_and_a_constant_gene_matches_r() {
    let r = json("gse1992/scores.json");
    let t = &r["tiny"];
    let rows: Vec<Vec<f64>> = t["expr"].as_array().unwrap().iter().map(nums).collect();
    let (ng, ns) = (rows.len(), rows[0].len());
    let expr: Vec<f64> = rows.concat();
    let sets: Vec<Vec<usize>> = t["sets"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| nums(v).iter().map(|&x| x as usize).collect())
        .collect();
    let singscore: Vec<Vec<f64>> = t["singscore"]
        .as_object()
        .unwrap()
        .values()
        .map(nums)
        .collect();
    for (method, want) in [
        (
            ScoreMethod::Ssgsea,
            t["ssgsea"]
                .as_array()
                .unwrap()
                .iter()
                .map(nums)
                .collect::<Vec<_>>(),
        ),
        (
            ScoreMethod::ZScore,
            t["zscore"].as_array().unwrap().iter().map(nums).collect(),
        ),
        (ScoreMethod::Singscore, singscore),
    ] {
        let ours = score_sets(&expr, ng, ns, &sets, method).unwrap();
        for (i, w) in want.iter().enumerate() {
            assert_all_close(&format!("tiny {method} set {i}"), &ours[i], w, 1e-12);
        }
    }
}
