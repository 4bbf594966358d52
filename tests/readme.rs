//! The documentation (README.md and docs/*.md) lists exactly the options, environment
//! variables and statuses the library has, its relative links lead somewhere, and the
//! README's binding snippets are taken from the binding READMEs whose quick starts are tested.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md, then docs/*.md (not docs/reference/, which has tests of its own), as
/// (path relative to the root, text).
fn documents() -> Vec<(PathBuf, String)> {
    let root = root();
    let mut paths = vec![PathBuf::from("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.strip_prefix(&root).unwrap().to_path_buf())
        .collect();
    docs.sort();
    paths.extend(docs);
    paths.into_iter().map(|p| (p.clone(), fs::read_to_string(root.join(&p)).unwrap())).collect()
}

fn all_text() -> String {
    documents().into_iter().map(|(_, t)| t).collect::<Vec<_>>().join("\n")
}

/// The lines of a Markdown text outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut fenced = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            lines.push(line);
        }
    }
    lines
}

#[test]
fn every_option_and_environment_variable_is_documented() {
    let docs = documents();
    for (key, var, _) in hazy::OPTIONS {
        let row = format!("| `{key}` | `{var}` |");
        let rows: Vec<(&PathBuf, &str)> = docs
            .iter()
            .flat_map(|(p, t)| t.lines().filter(|l| l.starts_with(&row)).map(move |l| (p, l)))
            .collect();
        assert!(!rows.is_empty(), "neither README.md nor docs/ has the configuration row for {key} / {var}");
        assert!(
            docs[0].1.lines().any(|l| l.starts_with(&row)),
            "README.md's options table lacks the row for {key} / {var}"
        );
        // The README's table and docs/configuration.md's must not drift apart.
        for (path, line) in &rows {
            assert_eq!(*line, rows[0].1, "{} words the row of {key} differently from {}", path.display(), rows[0].0.display());
        }
    }
}

#[test]
fn every_documented_option_exists() {
    for (path, text) in documents() {
        for line in text.lines().filter(|l| l.starts_with("| `") && l.contains("| `HAZY_")) {
            let key = line.split('`').nth(1).unwrap();
            if key.starts_with("HAZY_") || key.contains(' ') {
                continue; // a table of variables (docs/configuration.md's "other variables"), not of options
            }
            assert!(
                hazy::OPTIONS.iter().any(|(k, _, _)| *k == key),
                "{} documents unknown option {key}",
                path.display()
            );
        }
    }
}

/// Every `"HAZY_..."` variable the library and the CLI read is named in the documentation.
#[test]
fn every_environment_variable_the_code_reads_is_documented() {
    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("cli/src"), &mut files);
    let docs = all_text();
    let mut seen = HashSet::new();
    for file in files {
        let source = fs::read_to_string(&file).unwrap();
        for piece in source.split("\"HAZY_").skip(1) {
            let name: String = piece.chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect();
            if piece[name.len()..].starts_with('"') && !name.is_empty() && !name.starts_with("TEST_") {
                let var = format!("HAZY_{name}");
                if seen.insert(var.clone()) {
                    assert!(docs.contains(&format!("`{var}")), "{var} (read in {}) is not documented", file.display());
                }
            }
        }
    }
    assert!(seen.len() >= hazy::OPTIONS.len(), "found only {} variables in the sources", seen.len());
}

#[test]
fn every_status_is_documented_with_its_number() {
    let docs = all_text();
    for status in hazy::Status::ALL {
        let row = format!("| {} | `HAZY_STATUS_{}` |", status as i32, status.name());
        assert!(docs.contains(&row), "neither README.md nor docs/ has the status row {row}");
    }
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> HashSet<String> {
    let mut found = HashSet::new();
    for line in prose_lines(text) {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            let base = slug(&line[hashes..]);
            let mut anchor = base.clone();
            let mut n = 0;
            while found.contains(&anchor) {
                n += 1;
                anchor = format!("{base}-{n}");
            }
            found.insert(anchor);
        }
    }
    found
}

/// The targets of the inline links `[text](target)` of a Markdown text, outside code.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose_lines(text) {
        // Drop inline code spans, whose brackets are not links.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join("");
        let mut rest = prose.as_str();
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let end = after.find(')').unwrap_or(after.len());
            targets.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    targets
}

#[test]
fn every_relative_link_points_to_a_file_that_exists() {
    let root = root();
    let mut checked = 0;
    let mut broken = Vec::new();
    for (path, text) in documents() {
        let dir = root.join(&path).parent().unwrap().to_path_buf();
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let resolved = if file.is_empty() { root.join(&path) } else { dir.join(file) };
            checked += 1;
            if !resolved.exists() {
                broken.push(format!("{}: ({target}) leads to {}, which does not exist", path.display(), resolved.display()));
            } else if let Some(anchor) = anchor.filter(|_| resolved.extension().is_some_and(|e| e == "md")) {
                if !anchors(&fs::read_to_string(&resolved).unwrap()).contains(anchor) {
                    broken.push(format!("{}: ({target}) names no heading of {}", path.display(), resolved.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(checked >= 50, "expected the documentation's links, found {checked}");
}

#[test]
fn slugs_follow_github() {
    assert_eq!(slug(" Signed JWT (private_key_jwt)"), "signed-jwt-private_key_jwt");
    assert_eq!(slug(" What `make test` checks on them"), "what-make-test-checks-on-them");
    assert_eq!(slug(" Windows (x86_64)"), "windows-x86_64");
}

/// The fenced code blocks of a Markdown text, with their language tag.
fn code_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
            blocks.push((lang.to_owned(), body.join("\n")));
        }
    }
    blocks
}

/// The README shows a few lines of each binding's quick start; the binding READMEs hold the
/// complete programs, which their test scripts build and run. Every line the README shows
/// must be a line of its binding's README, so that it stays code that is tested.
#[test]
fn readme_binding_snippets_come_from_the_tested_binding_readmes() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let bindings = [("cpp", "bindings/cpp/README.md"), ("go", "bindings/go/README.md"), ("java", "bindings/java/README.md")];
    for (lang, source) in bindings {
        let source = fs::read_to_string(root().join(source)).unwrap();
        let tested: HashSet<&str> = source.lines().map(str::trim).collect();
        let blocks: Vec<String> = code_blocks(&readme).into_iter().filter(|(l, _)| l == lang).map(|(_, b)| b).collect();
        assert!(!blocks.is_empty(), "README.md has no {lang} block");
        for block in &blocks {
            for line in block.lines().map(str::trim).filter(|l| !l.is_empty() && *l != "}" && *l != "});") {
                assert!(tested.contains(line), "README.md's {lang} line is not in the binding's README: {line}");
            }
        }
    }
}
