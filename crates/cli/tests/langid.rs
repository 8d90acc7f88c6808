//! `tamis predict` and `tamis eval langid`, with the built-in model.

use crate::util::Dir;

#[test]
fn predict_prints_the_best_labels_per_line() {
    let dir = Dir::new();
    dir.write(
        "lines.txt",
        "Le conseil municipal a voté le budget de la ville.\nThe council approved the city budget on Monday.\n"
            .as_bytes(),
    );
    let output = dir.tamis(&["predict", "-k", "2", "lines.txt"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rows: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["labels"][0], "__label__fr");
    assert_eq!(rows[1]["labels"][0], "__label__en");
    assert_eq!(rows[0]["labels"].as_array().unwrap().len(), 2);
    assert!(rows[0]["probabilities"][0].as_f64().unwrap() > rows[0]["probabilities"][1].as_f64().unwrap());

    let bad = dir.tamis(&["predict", "-k", "0", "lines.txt"]);
    assert_eq!(bad.status.code(), Some(2));
    let missing = dir.tamis(&["predict", "--model", "nope.ftz", "lines.txt"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn eval_langid_reports_accuracy_next_to_published_numbers() {
    let dir = Dir::new();
    dir.write(
        "data/languages.tsv",
        b"iso639_1\tlanguage\nen\tenglish\nfr\tfrench\nzu\tzulu\n",
    );
    dir.write(
        "data/sentences/fr.txt",
        "Le train de nuit part de la gare à vingt-deux heures.\nNous avons visité le musée hier après-midi.\nThe weather is fine today in London.\n".as_bytes(),
    );
    dir.write("data/sentences/en.txt", b"The library opens at nine in the morning.\n");
    dir.write("data/sentences/zu.txt", b"Sawubona\n");
    dir.write(
        "data/published-accuracy/lingua-rs/sentences-accuracy-values.csv",
        b"language,cld2,lingua-high-accuracy,whatlang\nEnglish,99.0,100.0,NaN\nFrench,98.0,99.5,97.0\n",
    );
    let output = dir.tamis(&["eval", "langid", "data", "--per-language"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("| french (fr)"), "{text}");
    assert!(
        text.contains("66.67"),
        "two of the three French lines are French: {text}"
    );
    assert!(text.contains("99.50"), "the published Lingua number is shown: {text}");
    assert!(text.contains("left out: zu"), "{text}");
}
