//! `tamis report` on the example run: the page's funnel says what stats.json
//! says, and the page works in a real browser (headless Chromium, when
//! installed: `apt-get install chromium`; `.ci/run` installs it).

use crate::util::Dir;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the example pipeline with `--report`; returns the directory.
fn example_run() -> Dir {
    let examples = format!("{}/../../examples", env!("CARGO_MANIFEST_DIR"));
    let pipeline = std::fs::read_to_string(format!("{examples}/pipeline.yaml"))
        .unwrap()
        .replace("examples/news", &format!("{examples}/news"))
        .replace("out/example/", "out/");
    let dir = Dir::new();
    dir.pipeline(&format!("{pipeline}  - token_count: {{}}\n"));
    dir.run_ok(&["--report"]);
    dir
}

/// The `data-field` → `data-value` pairs of the table row that `marker` opens.
fn row_values(page: &str, marker: &str) -> Vec<(String, u64)> {
    let start = page.find(marker).unwrap_or_else(|| panic!("no row {marker}"));
    let row = &page[start..start + page[start..].find("</tr>").unwrap()];
    row.split("data-field=\"")
        .skip(1)
        .map(|cell| {
            let (field, rest) = cell.split_once('"').unwrap();
            let value = rest.split("data-value=\"").nth(1).unwrap().split('"').next().unwrap();
            let shown = rest.split('>').nth(1).unwrap().split('<').next().unwrap();
            assert_eq!(shown.replace(',', ""), value, "{field} shows {shown}");
            (field.to_string(), value.parse().unwrap())
        })
        .collect()
}

/// Checks that the funnel of `page` says what `stats` says.
fn check_funnel(page: &str, stats: &Value) {
    let read = row_values(page, "data-row=\"read\"");
    assert_eq!(
        read,
        [("documents".to_string(), stats["read"]["documents"].as_u64().unwrap())]
    );
    for (i, step) in stats["steps"].as_array().unwrap().iter().enumerate() {
        let marker = format!("data-step=\"{}\" data-index=\"{i}\"", step["name"].as_str().unwrap());
        let dropped: u64 = step["dropped"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        let expected = [
            ("input", step["input"].as_u64().unwrap()),
            ("kept", step["kept"].as_u64().unwrap()),
            ("dropped", dropped),
        ];
        let expected: Vec<(String, u64)> = expected.iter().map(|(f, v)| (f.to_string(), *v)).collect();
        assert_eq!(row_values(page, &marker), expected, "step {i}");
    }
    let kept = row_values(page, "data-row=\"kept\"");
    assert_eq!(kept, [("kept".to_string(), stats["kept"].as_u64().unwrap())]);
}

#[test]
fn the_example_runs_report_is_one_page_that_matches_its_stats() {
    let dir = example_run();
    let stats = dir.stats("out");
    let page = std::fs::read_to_string(dir.path("out/report.html")).unwrap();
    check_funnel(&page, &stats);
    for remote in ["src=\"http", "href=\"http", "<link", "@import", "url(http"] {
        assert!(!page.contains(remote), "the page loads {remote}");
    }
    assert!(page.contains("language_threshold = 0.65"));
    assert_eq!(
        page.matches("<details class=\"sample\"").count(),
        6,
        "the six wrong_language pages"
    );
    let output = dir.tamis(&["report", "out", "out", "-o", "both.html"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let both = std::fs::read_to_string(dir.path("both.html")).unwrap();
    assert_eq!(both.matches("data-step=\"language\"").count(), 1);
    assert!(!dir.tamis(&["report", "nowhere"]).status.success());
}

/// The Chromium to test with: `TAMIS_CHROMIUM`, or `chromium` on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("TAMIS_CHROMIUM") {
        return Some(path.into());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs headless Chromium (no network, fresh profile) with `args`; returns
/// its stdout and stderr (through files: a pipe nobody reads would stop it).
/// Fails after two minutes.
fn run_chromium(chromium: &Path, profile: &Path, args: &[&str]) -> (String, String) {
    std::fs::create_dir_all(profile).unwrap();
    let (out, err) = (profile.join("stdout.txt"), profile.join("stderr.txt"));
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let read = |file: &Path| String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
    (read(&out), read(&err))
}

#[test]
fn the_report_works_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!("skipped: no chromium on the PATH (apt-get install chromium, or set TAMIS_CHROMIUM)");
        return;
    };
    let dir = example_run();
    let stats = dir.stats("out");
    let page = dir.path("out/report.html");
    let url = format!("file://{}#selftest", page.display());
    let (dom, log) = run_chromium(&chromium, &dir.path("profile"), &["--dump-dom", &url]);
    // The funnel as the browser built it.
    check_funnel(&dom, &stats);
    // The page's self-check: a sampled document expands, no script error.
    let selftest = dom
        .split("<pre id=\"selftest\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_else(|| panic!("no self-check in the page\n{log}"));
    let selftest = selftest
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let result: Value = serde_json::from_str(&selftest).unwrap();
    assert_eq!(result["sampleExpands"], true, "{result}");
    assert_eq!(result["errors"], serde_json::json!([]), "{result}");
    assert_eq!(
        result["funnelRows"],
        stats["steps"].as_array().unwrap().len(),
        "{result}"
    );
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");

    let shot = dir.path("report.png");
    let (_, log) = run_chromium(
        &chromium,
        &dir.path("profile-shot"),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2900",
            "--hide-scrollbars",
            &format!("file://{}", page.display()),
        ],
    );
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e})\n{log}"));
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    // `TAMIS_REPORT_SCREENSHOT=docs/report.png` refreshes the README's picture.
    if let Some(to) = std::env::var_os("TAMIS_REPORT_SCREENSHOT") {
        std::fs::copy(&shot, to).unwrap();
    }
}
