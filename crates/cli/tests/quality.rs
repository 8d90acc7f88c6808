//! The quality steps and presets through the binary: the `fineweb` preset on the bundled
//! example, `fineweb2` on French, Russian, Greek, Arabic and Armenian text, a language whose
//! tokenizer tamis lacks, and the drop reasons in the stats.

use crate::util::{documents, jsonl_line, Dir};

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn fineweb_preset_runs_end_to_end_on_the_example() {
    let dir = Dir::new();
    dir.pipeline(&format!(
        "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: out/, removed: out/removed/ }}\nsteps:\n  - preset: {{ name: fineweb }}\n",
        example("news.warc.gz")
    ));
    dir.run_ok(&[]);
    let stats = dir.stats("out");
    assert_eq!(stats["read"]["documents"], 36);
    let steps: Vec<&str> = stats["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "extract",
            "language",
            "gopher_repetition",
            "gopher_quality",
            "c4_quality",
            "fineweb_quality",
            "pii"
        ]
    );
    // The example is a French site: the English filter keeps only the English pages.
    assert_eq!(stats["steps"][1]["dropped"]["wrong_language"], 34);
    let kept = documents(&dir.path("out")).len();
    let removed = documents(&dir.path("out/removed")).len();
    assert_eq!(kept + removed, 36);
}

#[test]
fn fineweb2_preset_takes_a_language() {
    let dir = Dir::new();
    let good = "Le ministre de la Défense a parlé avec son homologue pendant une heure et les deux pays ont \
                décidé de renforcer leur coopération dans le domaine de la sécurité maritime. "
        .repeat(3);
    let input = format!(
        "{}{}",
        jsonl_line("fr-1", &good),
        jsonl_line("fr-2", "Accueil\nContact\nMenu")
    );
    dir.write("in.jsonl", input.as_bytes());
    dir.pipeline(
        "input: { paths: [in.jsonl], format: jsonl }\noutput: { path: out/, removed: out/removed/ }\nsteps:\n  - preset: { name: fineweb2, language: fra_Latn }\n",
    );
    dir.run_ok(&[]);
    let kept = documents(&dir.path("out"));
    let removed = documents(&dir.path("out/removed"));
    assert_eq!(kept.len() + removed.len(), 2);
    assert!(removed.iter().any(|d| d["id"] == "fr-2"));
}

#[test]
fn unknown_fineweb2_language_is_a_config_error() {
    let dir = Dir::new();
    dir.write("in.jsonl", b"");
    dir.pipeline(
        "input: { paths: [in.jsonl], format: jsonl }\noutput: { path: out/ }\nsteps:\n  - preset: { name: fineweb2, language: qqq }\n",
    );
    let out = dir.tamis(&["run", "pipeline.yaml"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("FineWeb-2"));
}

/// A pipeline file per language, across scripts: each language's own thresholds, stop words and
/// word tokenizer; prose is kept, a navigation block is removed. The texts are written for this test.
#[test]
fn fineweb2_preset_runs_across_scripts() {
    let cases = [
        (
            "rus_Cyrl",
            "Вчера вечером в городе прошёл сильный дождь, и многие жители остались дома. По словам \
             синоптиков, погода улучшится к выходным, но температура будет ниже обычной. В центре города \
             на несколько часов было закрыто движение, потому что вода затопила улицы. Местные власти \
             заявили, что ремонт дорог начнётся уже на следующей неделе, и жители надеются на лучшее.",
        ),
        (
            "ell_Grek",
            "Χθες το βράδυ έπεσε δυνατή βροχή στην πόλη και πολλοί κάτοικοι έμειναν στα σπίτια τους. \
             Σύμφωνα με τους μετεωρολόγους, ο καιρός θα βελτιωθεί το Σαββατοκύριακο, αλλά η θερμοκρασία \
             θα είναι χαμηλότερη από το κανονικό. Στο κέντρο της πόλης η κυκλοφορία διακόπηκε για αρκετές \
             ώρες, επειδή το νερό πλημμύρισε τους δρόμους. Οι τοπικές αρχές δήλωσαν ότι η επισκευή των \
             δρόμων θα ξεκινήσει την επόμενη εβδομάδα.",
        ),
        (
            "ar",
            "هطلت أمطار غزيرة على المدينة مساء أمس، وبقي كثير من السكان في منازلهم. وقال خبراء الأرصاد إن \
             الطقس سيتحسن في نهاية الأسبوع، لكن درجات الحرارة ستكون أقل من المعتاد. وأغلقت الطرق في وسط \
             المدينة لعدة ساعات بعد أن غمرت المياه الشوارع. وأعلنت السلطات المحلية أن أعمال إصلاح الطرق \
             ستبدأ في الأسبوع المقبل، ويأمل السكان أن تنتهي قبل فصل الشتاء.",
        ),
        (
            "hye_Armn",
            "Երեկ երեկոյան քաղաքում ուժեղ անձրև եկավ, և շատ բնակիչներ մնացին իրենց տներում։ \
             Օդերևութաբանների խոսքով՝ եղանակը կլավանա շաբաթավերջին, բայց ջերմաստիճանը սովորականից ցածր \
             կլինի։ Քաղաքի կենտրոնում երթևեկությունը մի քանի ժամով փակվեց, որովհետև ջուրը ողողեց \
             փողոցները։ Տեղական իշխանությունները հայտարարեցին, որ ճանապարհների վերանորոգումը կսկսվի \
             հաջորդ շաբաթ, և բնակիչները հույս ունեն, որ այն կավարտվի մինչև ձմեռ։",
        ),
    ];
    for (language, prose) in cases {
        let dir = Dir::new();
        let input = format!(
            "{}{}",
            jsonl_line("prose", prose),
            jsonl_line(
                "menu",
                "Home\nNews\nSport\nContact\nLogin\nMenu\nSearch\nHome\nHome\nHome"
            )
        );
        dir.write("in.jsonl", input.as_bytes());
        dir.pipeline(&format!(
            "input: {{ paths: [in.jsonl], format: jsonl }}\noutput: {{ path: out/, removed: out/removed/ }}\n\
             steps:\n  - preset: {{ name: fineweb2, language: {language} }}\n"
        ));
        dir.run_ok(&[]);
        let kept = documents(&dir.path("out"));
        let removed = documents(&dir.path("out/removed"));
        assert_eq!(kept.len(), 1, "{language}: {removed:?}");
        assert_eq!(kept[0]["id"], "prose", "{language}");
        assert_eq!(removed.len(), 1, "{language}");
        assert_eq!(removed[0]["id"], "menu", "{language}");
    }
}

#[test]
fn fineweb2_language_without_its_tokenizer_names_it() {
    let dir = Dir::new();
    dir.write("in.jsonl", jsonl_line("th", "สวัสดีครับ").as_bytes());
    dir.pipeline(
        "input: { paths: [in.jsonl], format: jsonl }\noutput: { path: out/ }\nsteps:\n  - preset: { name: fineweb2, language: tha_Thai }\n",
    );
    let out = dir.tamis(&["run", "pipeline.yaml"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ThaiTokenizer()") && stderr.contains("approximate_tokenizer"),
        "{stderr}"
    );
    dir.pipeline(
        "input: { paths: [in.jsonl], format: jsonl }\noutput: { path: out/ }\nsteps:\n  - preset: { name: fineweb2, language: tha_Thai, approximate_tokenizer: true }\n",
    );
    dir.run_ok(&[]);
}
